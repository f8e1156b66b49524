import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { type Ctx, transact } from '../core/context.js';
import { DomainError } from '../core/errors.js';
import { lineTransport } from '../ipc/line-transport.js';
import { Peer, RpcError } from '../ipc/peer.js';
import { ExecutorMethods } from '../protocol/ipc.js';
import { RpcCode } from '../protocol/jsonrpc.js';
import { appendMessages } from '../services/messages.js';
import { boardAudience, sessionChannels, writableSession } from '../services/access.js';
import { serviceEvent } from '../services/events.js';
import { emitSessionPatched } from '../services/sessions.js';
import { streamDelta } from '../services/stream.js';
import { updateTask } from '../services/tasks.js';
import { sessions, users } from '../store/schema.js';
import type { AuditLog } from './audit.js';
import type { SessionTokenBinding, SessionTokens } from './session-tokens.js';

const RPC_OF: Record<string, number> = {
  VALIDATION: RpcCode.INVALID_PARAMS, UNAUTHENTICATED: RpcCode.UNAUTHENTICATED, FORBIDDEN: RpcCode.FORBIDDEN,
  NOT_FOUND: RpcCode.NOT_FOUND, CONFLICT: RpcCode.CONFLICT, UNPROCESSABLE: RpcCode.UNPROCESSABLE, TOO_LARGE: RpcCode.INVALID_PARAMS,
};

/** Domain errors cross the socket with their message; anything else is an internal error without detail. */
export function toRpcError(err: unknown): RpcError | null {
  return err instanceof DomainError ? new RpcError(RPC_OF[err.code] ?? RpcCode.INTERNAL, err.message) : null;
}

export interface IpcHooks {
  /** A connection proved its token; the scheduler takes it from here. */
  onHello(binding: SessionTokenBinding, peer: Peer): void;
  /** An agent asks to use a tool; resolves with the user's answer. */
  requestPermission(binding: SessionTokenBinding, tool: string, input: Record<string, unknown>, signal: AbortSignal): Promise<{ allow: boolean; reason?: string }>;
  /** Provider key and base URL for this user, as the executor should use them. */
  credentials(binding: SessionTokenBinding, provider: 'anthropic' | 'openai' | 'gemini'): Promise<{ apiKey: string | null; baseUrl: string | null }>;
  /** The agor MCP server, reached over the socket (no network path to the daemon needed). */
  mcpCall(binding: SessionTokenBinding, body: unknown): Promise<{ status: number; body: unknown }>;
}

/**
 * The daemon's end of the executor socket. A connection's first call must be `auth.hello`; from then on every
 * call acts as the token's user on the token's session only. Every call is audited, without its payload.
 */
export class IpcServer {
  private server: Server | null = null;
  private readonly peers = new Set<Peer>();

  constructor(private readonly o: {
    socketPath: string; tokens: SessionTokens; audit: AuditLog; log: Logger; baseCtx: () => Omit<Ctx, 'actor'>; hooks: IpcHooks;
  }) {}

  async listen(): Promise<void> {
    mkdirSync(dirname(this.o.socketPath), { recursive: true });
    rmSync(this.o.socketPath, { force: true });
    this.server = createServer((socket) => this.accept(lineTransport(socket)));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.o.socketPath, () => resolve());
    });
    // Executors run as an unprivileged uid; the token, not the file mode, is what authorizes a caller.
    chmodSync(this.o.socketPath, 0o666);
  }

  private accept(transport: ReturnType<typeof lineTransport>): void {
    let binding: SessionTokenBinding | null = null;
    let ctx: Ctx | null = null;
    const audit = (method: string, outcome: 'ok' | 'error', error?: string) => this.o.audit.record({
      actor_kind: 'executor', user_id: binding?.userId ?? null, session_id: binding?.sessionId ?? null, method,
      direction: 'executor→daemon', outcome, detail: error ? { error } : {},
    });
    const peer = new Peer(transport, { onHandled: audit, toRpcError, timeoutMs: 60_000 });
    this.peers.add(peer);
    peer.onClose(() => this.peers.delete(peer));
    const bound = () => {
      if (!binding || !ctx) throw new RpcError(RpcCode.UNAUTHENTICATED, 'call auth.hello with your session token first');
      return { binding, ctx };
    };
    const M = ExecutorMethods;
    peer.handle('auth.hello', M['auth.hello'], async ({ sessionToken }) => {
      if (binding) throw new RpcError(RpcCode.CONFLICT, 'this connection is already authenticated');
      const found = await this.o.tokens.verify(sessionToken);
      if (!found) throw new RpcError(RpcCode.UNAUTHENTICATED, 'the session token is unknown, revoked or expired');
      const [user] = await this.o.baseCtx().store.db.select().from(users).where(eq(users.user_id, found.userId));
      if (!user) throw new RpcError(RpcCode.UNAUTHENTICATED, 'the token’s user no longer exists');
      binding = found;
      ctx = { ...this.o.baseCtx(), actor: { kind: 'executor', user, sessionId: found.sessionId, taskId: found.taskId } };
      queueMicrotask(() => this.o.hooks.onHello(found, peer));
      return found;
    });
    peer.handle('messages.create', M['messages.create'], async (p) => {
      const { binding: b, ctx: c } = bound();
      const { session, board } = await writableSession(c.store.db, c.actor, b.sessionId);
      const [row] = await transact(c, async (tx, emit) => {
        const rows = await appendMessages(tx, b.sessionId, [{ message_id: p.messageId, sdk_message_id: p.sdkMessageId, role: p.role, content: p.content, task_id: b.taskId ?? undefined }]);
        for (const r of rows) emit(serviceEvent('messages', 'created', r, sessionChannels(session), boardAudience(board)));
        await emitSessionPatched(tx, emit, b.sessionId);
        return rows;
      });
      return { messageId: row!.message_id, index: row!.index };
    });
    // Deltas are handled one after another per connection, so clients see them in the order they were sent.
    let streams: Promise<unknown> = Promise.resolve();
    peer.handle('messages.stream', M['messages.stream'], async (p) => {
      const { binding: b, ctx: c } = bound();
      const run = streams.then(() => streamDelta(c, { session_id: b.sessionId, message_id: p.messageId, delta: p.delta, seq: p.seq }));
      streams = run.catch(() => {});
      await run;
      return { ok: true };
    });
    peer.handle('tasks.patch', M['tasks.patch'], async (p) => {
      const { binding: b, ctx: c } = bound();
      if (!b.taskId) throw new RpcError(RpcCode.CONFLICT, 'this token is not bound to a task');
      await transact(c, async (tx, emit) => {
        await updateTask(c, tx, emit, b.taskId as string, p);
        // The session comes to rest with its task, in the same commit: no one sees a finished task on a running session.
        if (p.status === 'completed' || p.status === 'failed' || p.status === 'stopped') {
          // Cards show what a session has cost so far: add this task's usage to the session's total.
          const total = sql`coalesce(${sessions.data}->'usage_total', '{}'::jsonb)`;
          const usage = p.usage ?? {};
          const merged = Object.entries(usage).reduce((acc, [k, v]) => sql`${acc} || jsonb_build_object(${k}::text, coalesce((${total}->>${k})::float8, 0) + ${v}::float8)`, sql`${total}`);
          await tx.update(sessions).set({
            status: p.status === 'failed' ? 'failed' : 'idle', updated_at: c.clock.now(),
            data: sql`jsonb_set(${sessions.data}, '{usage_total}', ${merged})`,
          }).where(eq(sessions.session_id, b.sessionId));
          await emitSessionPatched(tx, emit, b.sessionId);
        }
      });
      return { ok: true };
    });
    peer.handle('sessions.patch', M['sessions.patch'], async (p) => {
      const { binding: b, ctx: c } = bound();
      await transact(c, async (tx, emit) => {
        await tx.update(sessions).set({
          ...(p.sdkSessionId ? { sdk_session_id: p.sdkSessionId } : {}), ...(p.title ? { title: p.title } : {}), updated_at: c.clock.now(),
        }).where(eq(sessions.session_id, b.sessionId));
        await emitSessionPatched(tx, emit, b.sessionId);
      });
      return { ok: true };
    });
    peer.handle('permissions.request', M['permissions.request'], async (p, signal) => this.o.hooks.requestPermission(bound().binding, p.tool, p.input, signal));
    peer.handle('credentials.get', M['credentials.get'], async (p) => this.o.hooks.credentials(bound().binding, p.provider));
    peer.handle('mcp.call', M['mcp.call'], async (p) => this.o.hooks.mcpCall(bound().binding, p.body));
  }

  async close(): Promise<void> {
    for (const p of this.peers) p.close('daemon stopping');
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    rmSync(this.o.socketPath, { force: true });
  }
}
