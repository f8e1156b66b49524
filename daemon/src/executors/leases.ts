import { and, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Db } from '../store/driver.js';
import { daemonLeases, tasks } from '../store/schema.js';

export const LEASE_MS = 15_000;
const RENEW_MS = 5_000;

/**
 * Replica liveness in PostgreSQL, not in memory: this daemon renews its lease every 5 s; every 5 s it also looks
 * for running tasks whose daemon's lease lapsed (that replica died) and hands them to `onOrphan`.
 */
export class LeaseKeeper {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: {
    db: Db; clock: Clock; log: Logger; daemonId: string;
    onOrphans(taskIds: string[], deadDaemons: string[]): Promise<void>;
  }) {}

  async start(): Promise<void> {
    await this.renew();
    this.timer = setInterval(() => void this.tick().catch((err: unknown) => this.o.log.warn({ err }, 'lease upkeep failed')), RENEW_MS);
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    const expires = new Date(this.o.clock.now().getTime() + LEASE_MS);
    await this.o.db.insert(daemonLeases).values({ daemon_id: this.o.daemonId, expires_at: expires })
      .onConflictDoUpdate({ target: daemonLeases.daemon_id, set: { expires_at: expires } });
  }

  private async tick(): Promise<void> {
    await this.renew();
    const now = this.o.clock.now();
    const live = this.o.db.select({ id: daemonLeases.daemon_id }).from(daemonLeases).where(gt(daemonLeases.expires_at, now));
    const orphans = await this.o.db.select({ id: tasks.task_id, daemon: sql<string>`${tasks.data}->>'daemon_id'` }).from(tasks)
      .where(and(inArray(tasks.status, ['running', 'awaiting_permission']), sql`${tasks.data}->>'daemon_id' is not null`, sql`${tasks.data}->>'daemon_id' not in ${live}`));
    if (orphans.length) await this.o.onOrphans(orphans.map((o) => o.id), [...new Set(orphans.map((o) => o.daemon))]);
    await this.o.db.delete(daemonLeases).where(lt(daemonLeases.expires_at, new Date(now.getTime() - 24 * 3600_000)));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // A clean stop gives up the lease at once, so survivors need not wait for it to lapse.
    await this.o.db.delete(daemonLeases).where(sql`${daemonLeases.daemon_id} = ${this.o.daemonId}`).catch(() => {});
  }
}
