/**
 * Round trip of `agor_sessions_list` from the official MCP SDK client over Streamable HTTP, p50/p99.
 * Run: `npx tsx bench/mcp.ts`.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startTestDaemon } from '../test/support/daemon.js';
import { makeGitRepo } from '../test/support/git-repo.js';

const CALLS = Number(process.env.CALLS ?? 2000);
await using t = await startTestDaemon();
const repo = await t.api.ok('POST', '/repos', { path: makeGitRepo() });
const wt = await t.api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'w' });
const board = await t.api.ok('POST', '/boards', { name: 'b' });
let token = '';
for (let i = 0; i < 20; i++) token = (await t.api.ok('POST', '/sessions', { worktree_id: wt.worktree_id, board_id: board.board_id })).data.mcp_token;
const client = new Client({ name: 'bench', version: '1' });
await client.connect(new StreamableHTTPClientTransport(new URL(`${t.url}/mcp?sessionToken=${token}`)));
const times: number[] = [];
for (let i = 0; i < CALLS + 200; i++) {
  const start = performance.now();
  await client.callTool({ name: 'agor_sessions_list', arguments: { boardId: board.board_id, limit: 20 } });
  if (i >= 200) times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(2);
console.log(`mcp agor_sessions_list (20 sessions, PGlite)  ${CALLS} calls  p50 ${pct(50)} ms  p99 ${pct(99)} ms`);
await client.close();
