import { eq } from 'drizzle-orm';
import type { Ctx } from '../core/context.js';
import { users } from '../store/schema.js';
import { handleMcpRequest } from './server.js';

/**
 * `mcp.call` from an executor: one MCP JSON-RPC message, handled in-process as the executor's session (the same
 * rights its MCP token would give), so agents in containers need no network path to the daemon.
 */
export async function mcpOverIpc(base: Ctx, binding: { sessionId: string; userId: string }, body: unknown): Promise<{ status: number; body: unknown }> {
  const [user] = await base.store.db.select().from(users).where(eq(users.user_id, binding.userId));
  if (!user) return { status: 401, body: { error: 'the session’s user no longer exists' } };
  const request = new Request('http://agor.internal/mcp', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify(body),
  });
  const response = await handleMcpRequest({ ...base, actor: { kind: 'mcp', user, sessionId: binding.sessionId } }, request);
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}
