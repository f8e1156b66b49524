import { randomUUID } from 'node:crypto';
import { createConnection } from 'node:net';
import { lineTransport, Peer, RpcError } from '@agor/daemon/ipc';
import { ExecutorMethods, RpcCode } from '@agor/daemon/protocol';
import type { AgentAdapter, AgentEnv, Reporter, TaskParams } from './agents/adapter.js';
import { claudeCode } from './agents/claude-code.js';
import { codex } from './agents/codex.js';
import { gemini } from './agents/gemini.js';

const ADAPTERS: Record<string, AgentAdapter> = { 'claude-code': claudeCode, codex, gemini };

/**
 * One session token's connection to the daemon: say hello, then run the task the daemon sends, reporting
 * every message, delta and status change back over the same socket.
 */
export async function serveToken(o: { socketPath: string; sessionToken: string; home: string; mcpUrlFor: (peer: Peer) => Promise<string | null> }): Promise<void> {
  const socket = createConnection(o.socketPath);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  const peer = new Peer(lineTransport(socket), { timeoutMs: 60_000 });
  let running: AbortController | null = null;
  const done = new Promise<void>((resolve) => peer.onClose(() => {
    running?.abort();
    resolve();
  }));
  peer.handle('ping', ExecutorMethods.ping, () => ({ pong: true as const }));
  peer.handle('task.stop', ExecutorMethods['task.stop'], () => {
    running?.abort();
    return { ok: true as const };
  });
  peer.handle('task.run', ExecutorMethods['task.run'], async (task: TaskParams) => {
    if (running) throw new RpcError(RpcCode.CONFLICT, 'a task is already running on this connection');
    const abort = new AbortController();
    running = abort;
    try {
      const status = await runTask(peer, task, { home: o.home, mcpUrl: await o.mcpUrlFor(peer) }, abort.signal);
      return { status };
    } finally {
      running = null;
      // One token, one task: the connection ends with it.
      setTimeout(() => peer.close('task finished'), 10);
    }
  });
  await peer.request('auth.hello', { sessionToken: o.sessionToken }, { result: ExecutorMethods['auth.hello'].result });
  await done;
}

async function runTask(peer: Peer, task: TaskParams, env: AgentEnv, signal: AbortSignal): Promise<'completed' | 'failed' | 'stopped'> {
  const adapter = ADAPTERS[task.agenticTool] as AgentAdapter;
  let seq = 0;
  // Deltas go out in order without waiting for each reply; a message waits for the deltas before it.
  let streaming: Promise<unknown> = Promise.resolve();
  const report: Reporter = {
    stream: (messageId, delta) => {
      const call = peer.request('messages.stream', { messageId, delta, seq: seq++ }).catch(() => {});
      streaming = streaming.then(() => call);
    },
    message: async (role, content, messageId, sdkMessageId) => {
      await streaming;
      await peer.request('messages.create', { role, content, messageId: messageId ?? randomUUID(), ...(sdkMessageId ? { sdkMessageId } : {}) });
    },
    sdkSession: async (sdkSessionId) => { await peer.request('sessions.patch', { sdkSessionId }); },
    permission: (tool, input) => peer.request('permissions.request', { tool, input }, { timeoutMs: 24 * 3600_000 }),
    credentials: (provider) => peer.request('credentials.get', { provider }),
  };
  try {
    const result = await adapter.run(task, env, report, signal);
    await streaming;
    await peer.request('tasks.patch', { status: result.status, usage: result.usage, ...(result.error ? { error: result.error } : {}) });
    return result.status;
  } catch (err) {
    if (signal.aborted) {
      await peer.request('tasks.patch', { status: 'stopped' }).catch(() => {});
      return 'stopped';
    }
    await peer.request('tasks.patch', { status: 'failed', error: `the agent crashed: ${(err as Error).message}` }).catch(() => {});
    return 'failed';
  }
}
