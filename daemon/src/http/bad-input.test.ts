import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../../test/support/daemon.js';
import { makeGitRepo } from '../../../test/support/git-repo.js';

let t: TestDaemon;
let ids: Record<string, string>;

/** Everything the store holds, to prove a rejected request changed nothing. */
async function snapshot(): Promise<string> {
  const paths = ['/users', '/repos', '/worktrees', '/boards', '/sessions', '/tasks', '/mcp-servers', `/messages?session_id=${ids.session}`,
    `/board-objects?board_id=${ids.board}`, `/session-mcp-servers?session_id=${ids.session}`];
  const parts = await Promise.all(paths.map((p) => t.api.ok('GET', `${p}${p.includes('?') ? '&' : '?'}$limit=500`)));
  return JSON.stringify(parts);
}

beforeAll(async () => {
  t = await startTestDaemon();
  const repo = await t.api.ok('POST', '/repos', { path: makeGitRepo(), name: 'bad-input' });
  const wt = await t.api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'wt' });
  const board = await t.api.ok('POST', '/boards', { name: 'b' });
  const session = await t.api.ok('POST', '/sessions', { worktree_id: wt.worktree_id, board_id: board.board_id });
  await t.api.ok('POST', '/messages', { session_id: session.session_id, role: 'user', content: 'hi' });
  const mcp = await t.api.ok('POST', '/mcp-servers', { name: 'm', transport: 'http', url: 'http://127.0.0.1:1/mcp' });
  ids = { repo: repo.repo_id, worktree: wt.worktree_id, board: board.board_id, session: session.session_id, mcp: mcp.mcp_server_id };
});
afterAll(async () => t?.close());

const ghost = '01890000-0000-7000-8000-000000000000';

describe('bad input gets a 4xx problem+json naming the problem, and changes nothing', () => {
  const cases: Array<[string, string, string, () => unknown, number, RegExp]> = [
    ['malformed JSON', 'POST', '/sessions', () => '{"worktree_id":', 400, /malformed JSON/],
    ['an array where an object is due', 'POST', '/boards', () => [], 400, /invalid request body/],
    ['an unknown field', 'POST', '/boards', () => ({ name: 'x', colour: 'red' }), 400, /colour/],
    ['a wrong type', 'POST', '/boards', () => ({ name: 42 }), 400, /name/],
    ['a missing field', 'POST', '/sessions', () => ({}), 400, /worktree_id/],
    ['an unknown worktree', 'POST', '/sessions', () => ({ worktree_id: ghost }), 404, /worktree .* does not exist/],
    ['an unknown board', 'POST', '/sessions', () => ({ worktree_id: ids.worktree, board_id: ghost }), 404, /board/],
    ['an unknown session id', 'PATCH', `/sessions/${ghost}`, () => ({ title: 'x' }), 404, /session/],
    ['a short id', 'GET', '/sessions/abc', () => undefined, 404, /session abc/],
    ['a fork past the end', 'POST', '/sessions/:session/fork', () => ({ message_index: 99 }), 422, /has 1 messages/],
    ['a negative fork index', 'POST', '/sessions/:session/fork', () => ({ message_index: -1 }), 400, /message_index/],
    ['a message index out of order', 'POST', '/messages', () => ({ session_id: ids.session, role: 'user', content: 'x', index: 7 }), 409, /not the next index/],
    ['an unknown role', 'POST', '/messages', () => ({ session_id: ids.session, role: 'robot', content: 'x' }), 400, /role/],
    ['a traversal worktree name', 'POST', '/worktrees', () => ({ repo_id: ids.repo, name: '../escape' }), 400, /not allowed/],
    ['an option-like worktree name', 'POST', '/worktrees', () => ({ repo_id: ids.repo, name: '--upload-pack=touch /tmp/x' }), 400, /not allowed/],
    ['an option-like ref', 'POST', '/worktrees', () => ({ repo_id: ids.repo, name: 'ok', ref: '--output=/tmp/x' }), 400, /not a valid git ref/],
    ['an option-like branch', 'POST', '/worktrees', () => ({ repo_id: ids.repo, name: 'ok', new_branch: '-D' }), 400, /not a valid git ref/],
    ['a branch with ..', 'POST', '/worktrees', () => ({ repo_id: ids.repo, name: 'ok', new_branch: 'a..b' }), 400, /not a valid git ref/],
    ['an absolute worktree name', 'POST', '/worktrees', () => ({ repo_id: ids.repo, name: '/etc' }), 400, /not allowed/],
    ['an ext:: clone URL', 'POST', '/repos', () => ({ url: 'ext::sh -c touch% /tmp/pwned' }), 400, /remote helpers/],
    ['an option-like clone URL', 'POST', '/repos', () => ({ url: '--upload-pack=touch /tmp/pwned' }), 400, /not a clone URL/],
    ['a relative repo path', 'POST', '/repos', () => ({ path: '../../etc' }), 400, /absolute/],
    ['a path that is not a repo', 'POST', '/repos', () => ({ path: '/etc' }), 422, /not a git repository/],
    ['a traversal context path', 'GET', '/context/..%2F..%2Fetc%2Fpasswd', () => undefined, 400, /stay inside/],
    ['an unknown filter', 'GET', '/sessions?colour=red', () => undefined, 400, /unknown filter colour/],
    ['a huge $limit', 'GET', '/sessions?$limit=100000', () => undefined, 400, /\$limit must be between 0 and 500/],
    ['a bad $sort', 'GET', '/sessions?$sort[data]=1', () => undefined, 400, /cannot sort by data/],
    ['a non-id filter value', 'GET', '/sessions?worktree_id=zzz', () => undefined, 400, /worktree_id must be a full id/],
    ['a stdio MCP server without command', 'POST', '/mcp-servers', () => ({ name: 'x', transport: 'stdio' }), 400, /need a command/],
    ['an unknown route', 'GET', '/nothing-here', () => undefined, 404, /no route/],
    ['a task status change by a user', 'PATCH', '/tasks/:task', () => ({ status: 'completed' }), 403, /updated by the executor/],
  ];

  it.each(cases)('%s', async (_name, method, rawPath, body, status, detail) => {
    const before = await snapshot();
    const path = rawPath.replace(':session', ids.session as string).replace(':task', ghost);
    const b = body();
    const res = typeof b === 'string' ? await t.api.request(method, path, undefined, b) : await t.api.request(method, path, b);
    expect(res.status).toBe(status);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body.status).toBe(status);
    expect(res.body.detail).toMatch(detail);
    expect(await snapshot()).toBe(before);
  });

  it('never answers 5xx to arbitrary JSON on any create or patch route', async () => {
    const routes: Array<[string, string]> = [
      ['POST', '/users'], ['PATCH', '/users/:user'], ['POST', '/repos'], ['PATCH', '/repos/:repo'], ['POST', '/worktrees'],
      ['PATCH', '/worktrees/:worktree'], ['POST', '/boards'], ['PATCH', '/boards/:board'], ['POST', '/board-objects'],
      ['POST', '/sessions'], ['PATCH', '/sessions/:session'], ['POST', '/sessions/:session/fork'], ['POST', '/sessions/:session/spawn'],
      ['POST', '/messages'], ['POST', '/mcp-servers'], ['PATCH', '/mcp-servers/:mcp'], ['POST', '/session-mcp-servers'],
      ['POST', '/api-tokens'], ['POST', '/authentication'], ['PATCH', '/tasks/:session'],
    ];
    const user = (await t.api.ok('GET', '/users')).data[0].user_id;
    const fill = (p: string) => p.replace(':user', user).replace(':repo', ids.repo as string).replace(':worktree', ids.worktree as string)
      .replace(':board', ids.board as string).replace(':session', ids.session as string).replace(':mcp', ids.mcp as string);
    const idLike = fc.constantFrom(ids.session, ids.worktree, ids.board, ghost, 'x', '');
    const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), idLike, fc.string({ maxLength: 30 }));
    const keys = fc.constantFrom('name', 'title', 'worktree_id', 'board_id', 'session_id', 'repo_id', 'role', 'content', 'status', 'data',
      'message_index', 'url', 'path', 'transport', 'email', 'password', 'strategy', 'kind', 'x', 'y', 'prompt', 'index', 'ref', 'new_branch');
    const body = fc.oneof(fc.dictionary(keys, value, { maxKeys: 5 }), fc.jsonValue({ maxDepth: 2 }));
    await fc.assert(fc.asyncProperty(fc.constantFrom(...routes), body, async ([method, path], b) => {
      const res = await t.api.request(method, fill(path), b);
      expect(res.status, `${method} ${path} ${JSON.stringify(b)} → ${JSON.stringify(res.body)}`).toBeLessThan(500);
      if (res.status >= 400) expect(res.contentType).toContain('application/problem+json');
    }), { numRuns: 300 });
  });

  it('describes every route in /openapi.json from the same schemas', async () => {
    const doc = await t.api.ok('GET', '/openapi.json');
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/sessions', '/sessions/{id}', '/sessions/{id}/fork', '/messages', '/worktrees', '/authentication']));
    const create = doc.paths['/sessions'].post.requestBody.content['application/json'].schema;
    expect(create.required).toContain('worktree_id');
    expect(create.additionalProperties).toBe(false);
  });
});
