import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { type Ctx, type TaskQueue, transact } from '../core/context.js';
import { conflict } from '../core/errors.js';
import { PeerClosedError, type Peer } from '../ipc/peer.js';
import { ExecutorMethods, type ParamsOf } from '../protocol/ipc.js';
import { emitSessionPatched } from '../services/sessions.js';
import { updateTask } from '../services/tasks.js';
import { sessions, tasks, worktrees, type TaskRow } from '../store/schema.js';
import type { AuditLog } from './audit.js';
import type { ExecutorPool } from './pool.js';
import type { SessionTokenBinding, SessionTokens } from './session-tokens.js';

const TERMINAL = ['completed', 'failed', 'stopped'];
const HELLO_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 3_000;

interface Running {
  task: TaskRow;
  peer: Peer | null;
  stopping: boolean;
  permission: { resolve: (answer: { allow: boolean; reason?: string }) => void; tool: string } | null;
}

/**
 * Runs queued tasks: one at a time per session, in order, each on its user's executor. A task whose executor
 * disappears fails at once with the reason; a stopped one is told to stop, then cut off.
 */
export class TaskScheduler implements TaskQueue {
  private readonly running = new Map<string, Running>();
  private readonly hellos = new Map<string, (peer: Peer) => void>();
  private closed = false;

  constructor(private readonly o: {
    pool: ExecutorPool; tokens: SessionTokens; audit: AuditLog; log: Logger; daemonId: string; systemCtx: () => Ctx;
  }) {}

  enqueue(task: TaskRow): void {
    void this.pump(task.session_id).catch((err: unknown) => this.o.log.error({ err, task: task.task_id }, 'could not start a task'));
  }

  /** The IPC server calls this when an executor connection proved its token. */
  onHello(binding: SessionTokenBinding, peer: Peer): void {
    if (binding.taskId) this.hellos.get(binding.taskId)?.(peer);
  }

  private async pump(sessionId: string): Promise<void> {
    if (this.closed || this.running.has(sessionId)) return;
    const ctx = this.o.systemCtx();
    const [next] = await ctx.store.db.select().from(tasks)
      .where(and(eq(tasks.session_id, sessionId), eq(tasks.status, 'created'))).orderBy(asc(tasks.created_at), asc(tasks.task_id)).limit(1);
    if (!next || this.running.has(sessionId)) return;
    const state: Running = { task: next, peer: null, stopping: false, permission: null };
    this.running.set(sessionId, state);
    try {
      await this.run(ctx, state);
    } catch (err) {
      this.o.log.error({ err, task: next.task_id }, 'running a task failed');
    } finally {
      this.running.delete(sessionId);
      void this.pump(sessionId).catch((err: unknown) => this.o.log.error({ err, session: sessionId }, 'could not start the next task'));
    }
  }

  /** Stops picking up tasks (the daemon is shutting down); running ones end with their connections. */
  close(): void {
    this.closed = true;
  }

  private async run(ctx: Ctx, state: Running): Promise<void> {
    const task = state.task;
    const log = this.o.log.child({ task: task.task_id, session: task.session_id });
    const [row] = await ctx.store.db.select({ session: sessions, worktree: worktrees }).from(sessions)
      .innerJoin(worktrees, eq(worktrees.worktree_id, sessions.worktree_id)).where(eq(sessions.session_id, task.session_id));
    if (!row) return;
    await this.setStatus(ctx, task, 'running', null, { daemon_id: this.o.daemonId });
    const token = await this.o.tokens.issue({ sessionId: task.session_id, userId: task.created_by, taskId: task.task_id });
    let failure: string | null = null;
    let lease: Awaited<ReturnType<ExecutorPool['acquire']>> | null = null;
    try {
      lease = await this.o.pool.acquire(task.created_by, row.worktree.path);
      const executor = lease.executor;
      const gone = executor.exited.then((reason) => { throw new Error(`the executor stopped unexpectedly (${reason})`); });
      gone.catch(() => {});
      const peer = await Promise.race([
        new Promise<Peer>((resolve, reject) => {
          this.hellos.set(task.task_id, resolve);
          setTimeout(() => reject(new Error(`the executor did not connect within ${HELLO_TIMEOUT_MS / 1000} s`)), HELLO_TIMEOUT_MS).unref();
          executor.launch(token);
        }),
        gone,
      ]);
      state.peer = peer;
      if (state.stopping) throw new Error('stopped before it started');
      const data = row.session.data as Record<string, unknown>;
      const params: ParamsOf<'task.run'> = {
        taskId: task.task_id, sessionId: task.session_id, prompt: task.prompt, agenticTool: row.session.agentic_tool as ParamsOf<'task.run'>['agenticTool'],
        cwd: row.worktree.path, sdkSessionId: row.session.sdk_session_id,
        forkFromSdkSessionId: row.session.sdk_session_id ? null : ((data.fork_of_sdk_session_id as string | undefined) ?? null),
        forkAtSdkMessageId: row.session.sdk_session_id ? null : ((data.fork_at_sdk_message_id as string | undefined) ?? null),
        model: (data.model as string | undefined) ?? null,
        permissionMode: (data.permission_mode as ParamsOf<'task.run'>['permissionMode'] | undefined) ?? 'bypassPermissions',
      };
      this.o.audit.record({ actor_kind: 'daemon', user_id: task.created_by, session_id: task.session_id, method: 'task.run', direction: 'daemon→executor', outcome: 'ok' });
      const closed = new Promise<never>((_, reject) => peer.onClose((reason) => reject(new Error(`the executor stopped unexpectedly (${reason})`))));
      closed.catch(() => {});
      await Promise.race([peer.request('task.run', params, { timeoutMs: 24 * 3600_000, result: ExecutorMethods['task.run'].result }), closed, gone]);
    } catch (err) {
      failure = (err as Error).message;
      if (err instanceof PeerClosedError && lease) {
        // Say why the connection went, when the runtime knows (a killed container, an OOM exit).
        const why = await Promise.race([lease.executor.exited, new Promise<null>((r) => setTimeout(() => r(null), 300))]);
        failure = `the executor stopped unexpectedly (${why ?? err.message})`;
      }
      log.warn({ reason: failure }, 'task did not complete');
    } finally {
      lease?.release();
      this.hellos.delete(task.task_id);
      await this.o.tokens.revokeForTask(task.task_id).catch(() => {});
    }
    await this.finalize(ctx, task, state.stopping ? 'stopped' : 'failed', state.stopping ? null : failure);
  }

  /** Ends the task unless the executor already did, and brings the session back to rest. */
  private async finalize(ctx: Ctx, task: TaskRow, fallback: 'failed' | 'stopped', error: string | null): Promise<void> {
    await transact(ctx, async (tx, emit) => {
      const [current] = await tx.select().from(tasks).where(eq(tasks.task_id, task.task_id));
      let status = current?.status ?? fallback;
      if (current && !TERMINAL.includes(current.status)) {
        status = fallback;
        await updateTask(ctx, tx, emit, task.task_id, { status: fallback, error: error ?? (fallback === 'failed' ? 'the executor ended without reporting a result' : null) });
      }
      await tx.update(sessions).set({ status: status === 'failed' ? 'failed' : 'idle', updated_at: ctx.clock.now() }).where(eq(sessions.session_id, task.session_id));
      await emitSessionPatched(tx, emit, task.session_id);
    });
  }

  private async setStatus(ctx: Ctx, task: TaskRow, status: 'running' | 'awaiting_permission', error: string | null, data?: Record<string, unknown>): Promise<void> {
    await transact(ctx, async (tx, emit) => {
      await updateTask(ctx, tx, emit, task.task_id, { status, ...(error ? { error } : {}), ...(data ? { data } : {}) });
      await tx.update(sessions).set({ status, updated_at: ctx.clock.now() }).where(eq(sessions.session_id, task.session_id));
      await emitSessionPatched(tx, emit, task.session_id);
    });
  }

  /** An agent wants a tool that needs approval: the task waits (awaiting_permission) until a user answers. */
  async requestPermission(binding: SessionTokenBinding, tool: string, input: Record<string, unknown>, signal: AbortSignal): Promise<{ allow: boolean; reason?: string }> {
    const state = this.running.get(binding.sessionId);
    if (!state || state.task.task_id !== binding.taskId) return { allow: false, reason: 'the task is no longer running' };
    const ctx = this.o.systemCtx();
    const [session] = await ctx.store.db.select({ data: sessions.data }).from(sessions).where(eq(sessions.session_id, binding.sessionId));
    const remembered = ((session?.data as Record<string, unknown>)?.allowed_tools as string[] | undefined) ?? [];
    if (remembered.includes(tool)) return { allow: true };
    await this.setStatus(ctx, state.task, 'awaiting_permission', null, { permission_request: { tool, input } });
    const answer = await new Promise<{ allow: boolean; reason?: string }>((resolve) => {
      state.permission = { resolve, tool };
      signal.addEventListener('abort', () => resolve({ allow: false, reason: 'cancelled' }), { once: true });
    });
    state.permission = null;
    if (!state.stopping) await this.setStatus(ctx, state.task, 'running', null, { permission_request: null });
    return answer;
  }

  /** `POST /tasks/:id/permission`: answers the waiting request; `remember` allows the tool for the rest of the session. */
  async answerPermission(ctx: Ctx, taskId: string, allow: boolean, remember: boolean): Promise<void> {
    const state = [...this.running.values()].find((s) => s.task.task_id === taskId);
    if (!state?.permission) throw conflict('this task is not waiting for a permission answer');
    if (allow && remember) {
      const tool = state.permission.tool;
      await ctx.store.db.update(sessions)
        .set({ data: sql`jsonb_set(${sessions.data}, '{allowed_tools}', coalesce(${sessions.data}->'allowed_tools', '[]'::jsonb) || ${JSON.stringify([tool])}::jsonb)` })
        .where(eq(sessions.session_id, state.task.session_id));
    }
    state.permission.resolve(allow ? { allow: true } : { allow: false, reason: 'denied by the user' });
  }

  /** Drops the session's queued tasks and stops the running one (asked nicely, then cut off). */
  async stop(sessionId: string): Promise<void> {
    const ctx = this.o.systemCtx();
    await transact(ctx, async (tx, emit) => {
      const queued = await tx.select({ id: tasks.task_id }).from(tasks).where(and(eq(tasks.session_id, sessionId), eq(tasks.status, 'created')));
      for (const q of queued) {
        if (this.running.get(sessionId)?.task.task_id === q.id) continue;
        await updateTask(ctx, tx, emit, q.id, { status: 'stopped' });
      }
    });
    const state = this.running.get(sessionId);
    if (!state) return;
    state.stopping = true;
    state.permission?.resolve({ allow: false, reason: 'the task was stopped' });
    const peer = state.peer;
    if (!peer) return;
    await peer.request('task.stop', {}, { timeoutMs: STOP_GRACE_MS }).catch(() => {});
    const deadline = Date.now() + STOP_GRACE_MS;
    while (this.running.get(sessionId) === state && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (this.running.get(sessionId) === state) peer.close('stopped by the user');
  }

  /**
   * At start: tasks this daemon was running when it died are failed with the reason (their executors are gone),
   * and queued tasks are picked up again.
   */
  async reconcile(): Promise<{ failed: number; requeued: number }> {
    const ctx = this.o.systemCtx();
    const orphans = await ctx.store.db.select().from(tasks)
      .where(and(inArray(tasks.status, ['running', 'awaiting_permission']), sql`${tasks.data}->>'daemon_id' = ${this.o.daemonId}`));
    for (const t of orphans) await this.finalize(ctx, t, 'failed', 'the daemon restarted while this task ran; prompt again to continue');
    const queued = await ctx.store.db.selectDistinct({ session_id: tasks.session_id }).from(tasks).where(eq(tasks.status, 'created'));
    for (const q of queued) void this.pump(q.session_id).catch((err: unknown) => this.o.log.error({ err }, 'could not start a queued task'));
    return { failed: orphans.length, requeued: queued.length };
  }

  /** Tasks of a replica that died (its lease lapsed): failed with the reason, so none stays `running`. */
  async failOrphans(taskIds: string[]): Promise<void> {
    const ctx = this.o.systemCtx();
    const rows = await ctx.store.db.select().from(tasks).where(inArray(tasks.task_id, taskIds));
    for (const t of rows) await this.finalize(ctx, t, 'failed', 'the daemon replica running this task stopped; prompt again to continue');
    this.o.log.warn({ tasks: taskIds }, 'failed the tasks of a replica that stopped');
  }

  get active(): number {
    return this.running.size;
  }
}
