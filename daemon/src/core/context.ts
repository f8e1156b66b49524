import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Clock } from './clock.js';
import type { EventHub, HubMessage } from '../realtime/hub.js';
import type { CountCache } from '../services/count-cache.js';
import type { Store, Tx } from '../store/driver.js';
import type { TaskRow, UserRow } from '../store/schema.js';

/** Who is calling. Every service action checks access against this first. */
export type Actor =
  | { kind: 'user'; user: UserRow; via: 'anonymous' | 'jwt' | 'api-token'; apiTokenId?: string }
  | { kind: 'executor'; user: UserRow; sessionId: string; taskId: string | null }
  | { kind: 'mcp'; user: UserRow; sessionId: string | null }
  | { kind: 'system' };

/** Everything a service action needs besides its input. */
export interface Ctx {
  actor: Actor;
  store: Store;
  hub: EventHub;
  clock: Clock;
  config: Config;
  log: Logger;
  /** Cached `find` totals; absent means always count. */
  counts?: CountCache;
  /** Runs queued tasks on executors; absent when no executor runtime is configured (tasks then stay queued). */
  tasks?: TaskQueue;
}

export interface TaskQueue {
  enqueue(task: TaskRow): void;
  stop(sessionId: string): Promise<void>;
  answerPermission(ctx: Ctx, taskId: string, allow: boolean, remember: boolean): Promise<void>;
}

/** The user behind an actor, or null for the daemon itself. */
export function actorUser(actor: Actor): UserRow | null {
  return actor.kind === 'system' ? null : actor.user;
}

/** True when the actor bypasses ownership checks (the daemon itself, or an admin). */
export function isPrivileged(actor: Actor): boolean {
  return actor.kind === 'system' || actor.user.role === 'admin';
}

/**
 * Runs `fn` in one transaction and publishes the events it emitted only after commit:
 * a rolled-back change never reaches a client.
 */
export async function transact<T>(ctx: Ctx, fn: (tx: Tx, emit: (message: HubMessage) => void) => Promise<T>): Promise<T> {
  const out: HubMessage[] = [];
  const result = await ctx.store.db.transaction(async (tx) => {
    const value = await fn(tx, (m) => out.push(m));
    await ctx.hub.notifyInTx(tx, out);
    return value;
  });
  ctx.hub.deliverLocal(out);
  return result;
}
