import { and, eq, gt, sql } from 'drizzle-orm';
import type { Actor } from '../core/context.js';
import type { Db } from '../store/driver.js';
import { sessions, users } from '../store/schema.js';

/** The actor behind a session's MCP token (64 hex), or null when it is unknown or expired. */
export async function actorForMcpToken(db: Db, token: string, now: Date): Promise<Actor | null> {
  if (!/^[0-9a-f]{64}$/.test(token)) return null;
  const [row] = await db.select({ user: users, sessionId: sessions.session_id }).from(sessions)
    .innerJoin(users, eq(users.user_id, sessions.created_by))
    .where(and(eq(sql`${sessions.data}->>'mcp_token'`, token), gt(sql`(${sessions.data}->>'mcp_token_expires_at')::timestamptz`, now)));
  return row ? { kind: 'mcp', user: row.user, sessionId: row.sessionId } : null;
}
