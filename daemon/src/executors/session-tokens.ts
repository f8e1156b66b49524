import { randomUUID } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import { sha256 } from '../auth/opaque-token.js';
import type { Clock } from '../core/clock.js';
import type { Db } from '../store/driver.js';
import { sessionTokens } from '../store/schema.js';

export const SESSION_TOKEN_TTL_MS = 24 * 3600_000;

export interface SessionTokenBinding {
  sessionId: string;
  userId: string;
  taskId: string | null;
}

/** Executor credentials: opaque UUIDs, stored hashed, bound to one session and its user, for 24 h at most. */
export class SessionTokens {
  constructor(private readonly db: Db, private readonly clock: Clock) {}

  async issue(binding: SessionTokenBinding): Promise<string> {
    const token = randomUUID();
    await this.db.insert(sessionTokens).values({
      token_hash: sha256(token), session_id: binding.sessionId, user_id: binding.userId, task_id: binding.taskId,
      expires_at: new Date(this.clock.now().getTime() + SESSION_TOKEN_TTL_MS),
    });
    return token;
  }

  /** What a token is bound to, or null when it is unknown, revoked or expired. */
  async verify(token: string): Promise<SessionTokenBinding | null> {
    const [row] = await this.db.select().from(sessionTokens)
      .where(and(eq(sessionTokens.token_hash, sha256(token)), gt(sessionTokens.expires_at, this.clock.now())));
    return row ? { sessionId: row.session_id, userId: row.user_id, taskId: row.task_id } : null;
  }

  async revokeForTask(taskId: string): Promise<void> {
    await this.db.delete(sessionTokens).where(eq(sessionTokens.task_id, taskId));
  }

  async sweepExpired(): Promise<number> {
    const gone = await this.db.delete(sessionTokens).where(lt(sessionTokens.expires_at, this.clock.now())).returning({ h: sessionTokens.token_hash });
    return gone.length;
  }
}
