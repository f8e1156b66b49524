import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestDaemon, type Api, type TestDaemon } from '../../../test/support/daemon.js';
import { FakeAnthropic } from '../../../test/support/fake-anthropic.js';
import { makeGitRepo } from '../../../test/support/git-repo.js';
import { WsClient } from '../../../test/support/ws-client.js';
import type { Clock } from '../core/clock.js';
import { TOOLS } from './tools.js';

class TestClock implements Clock {
  offset = 0;
  now() { return new Date(Date.now() + this.offset); }
}

let fake: FakeAnthropic;
let t: TestDaemon;
let alice: Api;
let bob: Api;
const clock = new TestClock();
const clients: Client[] = [];

async function mcp(token: string, viaQuery = true): Promise<Client> {
  const url = new URL(`${t.url}/mcp`);
  if (viaQuery) url.searchParams.set('sessionToken', token);
  const transport = new StreamableHTTPClientTransport(url, viaQuery ? {} : { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  const client = new Client({ name: 'agor-test', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  return client.callTool({ name, arguments: args }) as Promise<{ isError?: boolean; structuredContent?: any; content: Array<{ text: string }> }>;
}

async function sessionFor(api: Api, visibility: 'team' | 'private' = 'team') {
  const repo = await api.ok('POST', '/repos', { path: makeGitRepo() });
  const wt = await api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'w' });
  const board = await api.ok('POST', '/boards', { name: 'b', visibility });
  const session = await api.ok('POST', '/sessions', { worktree_id: wt.worktree_id, board_id: board.board_id, title: 'parent' });
  return { session, board, token: session.data.mcp_token as string };
}

beforeAll(async () => {
  fake = await new FakeAnthropic().start();
  t = await startTestDaemon({ authRequired: true, executorRuntime: 'process', anthropicBaseUrl: fake.url, clock });
  const admin = await t.api.login(ADMIN.email, ADMIN.password);
  await admin.ok('POST', '/users', { email: 'alice@mcp.test', password: 'alice-password', name: 'Alice' });
  await admin.ok('POST', '/users', { email: 'bob@mcp.test', password: 'bob-password', name: 'Bob' });
  alice = await t.api.login('alice@mcp.test', 'alice-password');
  bob = await t.api.login('bob@mcp.test', 'bob-password');
});
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await t?.close();
  await fake?.[Symbol.asyncDispose]();
});

describe('the agor MCP server', () => {
  it('lists every tool with an input schema', async () => {
    const { token } = await sessionFor(alice);
    const client = await mcp(token);
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name).sort();
    expect(names).toEqual([
      'agor_boards_create', 'agor_boards_get', 'agor_boards_list', 'agor_messages_list', 'agor_repos_list', 'agor_sessions_fork',
      'agor_sessions_get', 'agor_sessions_get_current', 'agor_sessions_list', 'agor_sessions_prompt', 'agor_sessions_spawn', 'agor_sessions_stop',
      'agor_tasks_get', 'agor_tasks_list', 'agor_users_get', 'agor_users_get_current', 'agor_users_list', 'agor_users_update_current',
      'agor_worktrees_create', 'agor_worktrees_get', 'agor_worktrees_list', 'agor_worktrees_update',
    ]);
    expect(names).toHaveLength(TOOLS.length);
    for (const tool of tools) expect(tool.inputSchema.type, tool.name).toBe('object');
    expect(tools.find((x) => x.name === 'agor_sessions_spawn')!.inputSchema.required).toEqual(['prompt']);
  });

  it('answers bad input with isError and a message, not a protocol failure', async () => {
    const { token } = await sessionFor(alice);
    const client = await mcp(token);
    const missing = await call(client, 'agor_sessions_get', { sessionId: '01890000-0000-7000-8000-000000000000' });
    expect(missing.isError).toBe(true);
    expect(missing.content[0]!.text).toMatch(/NOT_FOUND: session .* does not exist/);
    const wrongType = await call(client, 'agor_sessions_fork', { messageIndex: 'three' });
    expect(wrongType.isError).toBe(true);
    expect(wrongType.content[0]!.text).toMatch(/messageIndex/);
    const tooFar = await call(client, 'agor_sessions_fork', { messageIndex: 5 });
    expect(tooFar.isError).toBe(true);
    expect(tooFar.content[0]!.text).toMatch(/UNPROCESSABLE/);
  });

  it("refuses wrong and expired tokens, and another user's token cannot touch alice's sessions", async () => {
    const { session, token } = await sessionFor(alice);
    const { session: hidden } = await sessionFor(alice, 'private');
    await expect(mcp('0'.repeat(64))).rejects.toThrow();
    await expect(mcp('not-a-token')).rejects.toThrow();
    const unauth = await fetch(`${t.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unauth.status).toBe(401);

    const { token: bobToken } = await sessionFor(bob);
    const asBob = await mcp(bobToken);
    const prompt = await call(asBob, 'agor_sessions_prompt', { sessionId: session.session_id, prompt: 'take over' });
    expect(prompt.isError).toBe(true);
    expect(prompt.content[0]!.text).toMatch(/FORBIDDEN/);
    const peek = await call(asBob, 'agor_sessions_get', { sessionId: hidden.session_id });
    expect(peek.content[0]!.text).toMatch(/NOT_FOUND/);
    const seen = await call(asBob, 'agor_sessions_get', { sessionId: session.session_id });
    expect(seen.structuredContent.data.mcp_token).toBeUndefined();

    const api = await alice.ok('POST', '/api-tokens', { name: 'external tool' });
    const external = await mcp(api.token, false);
    expect((await call(external, 'agor_users_get_current')).structuredContent.email).toBe('alice@mcp.test');

    clock.offset = 25 * 3600_000;
    try {
      await expect(mcp(token)).rejects.toThrow();
    } finally {
      clock.offset = 0;
    }
  });

  it('knows the current session, spawns a child whose task runs, and filters lists', async () => {
    // The process runtime runs only without auth: this part gets its own single-user daemon.
    await using local = await startTestDaemon({ executorRuntime: 'process', anthropicBaseUrl: fake.url });
    const saved = t;
    t = local;
    try {
      const owner = local.api;
      const { session, board, token } = await sessionFor(owner);
      const client = await mcp(token, false);
      const current = await call(client, 'agor_sessions_get_current');
      expect(current.isError).toBeFalsy();
      expect(current.structuredContent).toMatchObject({ session_id: session.session_id, data: { mcp_token: token } });
      expect(JSON.parse(current.content[0]!.text).session_id).toBe(session.session_id);

      const ws = await WsClient.connect(t.url);
      await ws.subscribe(`boards/${board.board_id}`);
      const marker = fake.script('mcp-child', [{ text: 'child finished' }]);
      const spawned = await call(client, 'agor_sessions_spawn', { prompt: `do the subtask ${marker}`, title: 'delegated' });
      expect(spawned.isError).toBeFalsy();
      const child = spawned.structuredContent;
      expect(child).toMatchObject({ parent_session_id: session.session_id, title: 'delegated', board_id: board.board_id });
      await ws.next((f) => f.service === 'sessions' && f.event === 'created' && f.data.session_id === child.session_id, 'the child’s created event');
      await ws.next((f) => f.service === 'tasks' && f.data.session_id === child.session_id && f.data.status === 'completed', 'the child’s task to complete', 30_000);
      ws.close();
      const genealogy = await owner.ok('GET', `/sessions/${session.session_id}/genealogy`);
      expect(genealogy.descendants).toEqual([expect.objectContaining({ session_id: child.session_id, relation: 'spawn' })]);

      await owner.ok('PATCH', `/sessions/${child.session_id}`, { status: 'running' });
      const running = await call(client, 'agor_sessions_list', { status: 'running', boardId: board.board_id });
      expect(running.structuredContent.data.map((s: { session_id: string }) => s.session_id)).toEqual([child.session_id]);
      const all = await call(client, 'agor_sessions_list', { boardId: board.board_id });
      expect(all.structuredContent.total).toBe(2);
      // Another session's secret stays hidden, even from its own user's agent.
      const other = all.structuredContent.data.find((s: { session_id: string }) => s.session_id === child.session_id);
      expect(other.data.mcp_token).toBeUndefined();
    } finally {
      t = saved;
    }
  });
});
