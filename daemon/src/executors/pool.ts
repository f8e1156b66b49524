import type { Logger } from 'pino';
import type { ExecutorRuntime, RunningExecutor } from './runtime.js';

interface Entry {
  executor: RunningExecutor;
  active: number;
  idleTimer: NodeJS.Timeout | null;
  dead: boolean;
}

/** A use of an executor; release it when the task is over so the executor can go idle. */
export interface Lease {
  executor: RunningExecutor;
  release(): void;
}

/**
 * One pool of executors per user. An executor is reused while warm if it already mounts the worktree; an idle
 * one whose mounts no longer fit is replaced; a busy one is left alone and another starts beside it. Idle
 * executors are stopped after `idleMs`.
 */
export class ExecutorPool {
  private readonly byUser = new Map<string, Entry[]>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    readonly runtime: ExecutorRuntime,
    private readonly options: { idleMs: number; log: Logger },
  ) {}

  acquire(userId: string, worktree: string): Promise<Lease> {
    // Serialize per user so two prompts at once do not start two executors.
    const prev = this.locks.get(userId) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(() => this.acquireLocked(userId, worktree));
    this.locks.set(userId, next);
    return next;
  }

  private async acquireLocked(userId: string, worktree: string): Promise<Lease> {
    const entries = (this.byUser.get(userId) ?? []).filter((e) => !e.dead);
    this.byUser.set(userId, entries);
    let entry = entries.find((e) => e.executor.worktrees.has(worktree));
    if (!entry) {
      for (const idle of entries.filter((e) => e.active === 0)) await this.retire(userId, idle);
      const executor = await this.runtime.start({ userId, worktrees: [worktree] });
      entry = { executor, active: 0, idleTimer: null, dead: false };
      const e = entry;
      void executor.exited.then((reason) => {
        e.dead = true;
        if (e.idleTimer) clearTimeout(e.idleTimer);
        this.options.log.info({ executor: executor.id, user: userId, reason }, 'executor exited');
      });
      this.byUser.get(userId)?.push(entry);
    }
    const e = entry;
    if (e.idleTimer) clearTimeout(e.idleTimer);
    e.idleTimer = null;
    e.active += 1;
    let released = false;
    return {
      executor: e.executor,
      release: () => {
        if (released) return;
        released = true;
        e.active -= 1;
        if (e.active === 0 && !e.dead) {
          e.idleTimer = setTimeout(() => void this.retire(userId, e), this.options.idleMs);
          e.idleTimer.unref();
        }
      },
    };
  }

  private async retire(userId: string, entry: Entry): Promise<void> {
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.dead = true;
    this.byUser.set(userId, (this.byUser.get(userId) ?? []).filter((e) => e !== entry));
    await entry.executor.stop().catch((err: unknown) => this.options.log.warn({ err }, 'stopping an executor failed'));
  }

  /** Executors currently alive, per user (for /health and tests). */
  snapshot(): Array<{ userId: string; id: string; active: number; worktrees: string[] }> {
    return [...this.byUser.entries()].flatMap(([userId, list]) => list.filter((e) => !e.dead)
      .map((e) => ({ userId, id: e.executor.id, active: e.active, worktrees: [...e.executor.worktrees] })));
  }

  async close(): Promise<void> {
    const all = [...this.byUser.entries()].flatMap(([u, list]) => list.map((e) => [u, e] as const));
    await Promise.all(all.map(([u, e]) => this.retire(u, e)));
  }
}
