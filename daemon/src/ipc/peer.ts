import type { z } from 'zod';
import { JsonRpcRequest, JsonRpcResponse, RpcCode } from '../protocol/jsonrpc.js';

/** Moves whole JSON-RPC messages (already framed) between two peers. */
export interface Transport {
  send(message: string): void;
  onMessage(handler: (message: string) => void): void;
  /** Framing failures (a line over the limit): answered with a parse error, the connection stays. */
  onFrameError(handler: (reason: string) => void): void;
  onClose(handler: (reason: string) => void): void;
  close(reason?: string): void;
}

/** An error to send over the wire: code, message and optional data, never a stack. */
export class RpcError extends Error {
  constructor(readonly code: number, message: string, readonly data?: unknown) {
    super(message);
    this.name = 'RpcError';
  }
}

/** A local failure (connection closed, timed out, cancelled): never serialized as it is. */
export class PeerClosedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeerClosedError';
  }
}

type Schema = { params: z.ZodType; result: z.ZodType };
type Handler = (params: any, signal: AbortSignal) => Promise<unknown> | unknown;

export interface PeerOptions {
  /** Default time a request may take before it fails with a timeout. */
  timeoutMs?: number;
  /** Called for every handled request, after it finished (for the audit log). */
  onHandled?: (method: string, outcome: 'ok' | 'error', error?: string) => void;
  /** Maps a handler's exception to a wire error; unknown errors become INTERNAL without detail. */
  toRpcError?: (err: unknown) => RpcError | null;
}

const CANCEL = '$/cancel';

/** One end of a JSON-RPC 2.0 connection: request ids, timeouts, cancellation, schema-checked params. */
export class Peer {
  private nextId = 1;
  private readonly pending = new Map<string | number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout>; schema?: z.ZodType }>();
  private readonly handlers = new Map<string, { schema?: Schema; fn: Handler }>();
  private readonly running = new Map<string | number, AbortController>();
  private closedReason: string | null = null;
  private readonly closeHandlers: Array<(reason: string) => void> = [];

  constructor(private readonly transport: Transport, private readonly options: PeerOptions = {}) {
    transport.onMessage((m) => this.receive(m));
    transport.onFrameError((reason) => this.reply(null, { code: RpcCode.PARSE_ERROR, message: reason }));
    transport.onClose((reason) => this.shutdown(reason));
  }

  get closed(): boolean {
    return this.closedReason !== null;
  }

  onClose(handler: (reason: string) => void): void {
    if (this.closedReason !== null) handler(this.closedReason);
    else this.closeHandlers.push(handler);
  }

  /** Serves `method`; params are validated with `schema.params` first, the result with `schema.result` on the way out. */
  handle(method: string, schema: Schema | undefined, fn: Handler): void {
    this.handlers.set(method, { schema, fn });
  }

  /** Calls `method` on the other side; rejects with RpcError (their failure) or PeerClosedError (ours). */
  request<T = unknown>(method: string, params: unknown, opts: { timeoutMs?: number; signal?: AbortSignal; result?: z.ZodType } = {}): Promise<T> {
    if (this.closedReason !== null) return Promise.reject(new PeerClosedError(`connection closed: ${this.closedReason}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? this.options.timeoutMs ?? 30_000;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.notify(CANCEL, { id });
        reject(new RpcError(RpcCode.TIMEOUT, `${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, schema: opts.result });
      opts.signal?.addEventListener('abort', () => {
        if (!this.pending.delete(id)) return;
        clearTimeout(timer);
        this.notify(CANCEL, { id });
        reject(new RpcError(RpcCode.CANCELLED, `${method} was cancelled`));
      }, { once: true });
      this.transport.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  }

  notify(method: string, params: unknown): void {
    if (this.closedReason === null) this.transport.send(JSON.stringify({ jsonrpc: '2.0', method, params }));
  }

  close(reason = 'closed'): void {
    this.transport.close(reason);
    this.shutdown(reason);
  }

  private receive(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return this.reply(null, { code: RpcCode.PARSE_ERROR, message: 'not valid JSON' });
    }
    if (msg && typeof msg === 'object' && 'method' in msg) {
      const req = JsonRpcRequest.safeParse(msg);
      if (!req.success) return this.reply(idOf(msg), { code: RpcCode.INVALID_REQUEST, message: 'not a JSON-RPC 2.0 request' });
      return void this.serve(req.data);
    }
    const res = JsonRpcResponse.safeParse(msg);
    if (!res.success || res.data.id === null) return;
    const waiter = this.pending.get(res.data.id);
    if (!waiter) return;
    this.pending.delete(res.data.id);
    clearTimeout(waiter.timer);
    if ('error' in res.data) return waiter.reject(new RpcError(res.data.error.code, res.data.error.message, res.data.error.data));
    if (waiter.schema) {
      const checked = waiter.schema.safeParse(res.data.result);
      if (!checked.success) return waiter.reject(new RpcError(RpcCode.INTERNAL, 'the peer sent a malformed result'));
      return waiter.resolve(checked.data);
    }
    waiter.resolve(res.data.result);
  }

  private async serve(req: JsonRpcRequest): Promise<void> {
    if (req.method === CANCEL) {
      const id = (req.params as { id?: string | number } | undefined)?.id;
      if (id !== undefined) this.running.get(id)?.abort();
      return;
    }
    const handler = this.handlers.get(req.method);
    if (!handler) {
      if (req.id !== undefined) this.reply(req.id, { code: RpcCode.METHOD_NOT_FOUND, message: `unknown method ${req.method}` });
      return;
    }
    let params: unknown = req.params ?? {};
    if (handler.schema) {
      const parsed = handler.schema.params.safeParse(params);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        this.options.onHandled?.(req.method, 'error', 'invalid params');
        if (req.id !== undefined) this.reply(req.id, { code: RpcCode.INVALID_PARAMS, message: `invalid params: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : ''}` });
        return;
      }
      params = parsed.data;
    }
    const abort = new AbortController();
    if (req.id !== undefined) this.running.set(req.id, abort);
    try {
      const result = await handler.fn(params, abort.signal);
      this.options.onHandled?.(req.method, 'ok');
      if (req.id !== undefined) this.reply(req.id, undefined, result ?? null);
    } catch (err) {
      const rpc = err instanceof RpcError ? err : (this.options.toRpcError?.(err) ?? new RpcError(RpcCode.INTERNAL, 'internal error'));
      this.options.onHandled?.(req.method, 'error', rpc.message);
      if (req.id !== undefined) this.reply(req.id, { code: rpc.code, message: rpc.message, ...(rpc.data === undefined ? {} : { data: rpc.data }) });
    } finally {
      if (req.id !== undefined) this.running.delete(req.id);
    }
  }

  private reply(id: string | number | null, error?: { code: number; message: string; data?: unknown }, result?: unknown): void {
    if (this.closedReason !== null) return;
    this.transport.send(JSON.stringify(error ? { jsonrpc: '2.0', id, error } : { jsonrpc: '2.0', id, result }));
  }

  private shutdown(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    for (const [, w] of this.pending) {
      clearTimeout(w.timer);
      w.reject(new PeerClosedError(`connection closed: ${reason}`));
    }
    this.pending.clear();
    for (const [, a] of this.running) a.abort();
    this.running.clear();
    for (const h of this.closeHandlers.splice(0)) h(reason);
  }
}

function idOf(msg: unknown): string | number | null {
  const id = (msg as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** Two transports wired to each other in memory, for tests of both ends in one process. */
export function memoryPair(): [Transport, Transport] {
  interface End { other: End | null; onMsg: (m: string) => void; onCls: (r: string) => void; closed: boolean }
  const a: End = { other: null, onMsg: () => {}, onCls: () => {}, closed: false };
  const b: End = { other: a, onMsg: () => {}, onCls: () => {}, closed: false };
  a.other = b;
  const wrap = (self: End): Transport => ({
    send: (m) => { if (!self.closed) queueMicrotask(() => self.other?.onMsg(m)); },
    onMessage: (h) => { self.onMsg = h; },
    onFrameError: () => {},
    onClose: (h) => { self.onCls = h; },
    close: (reason = 'closed') => {
      if (self.closed) return;
      const other = self.other as End;
      self.closed = true;
      other.closed = true;
      queueMicrotask(() => { self.onCls(reason); other.onCls(reason); });
    },
  });
  return [wrap(a), wrap(b)];
}
