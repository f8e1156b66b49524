import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestDaemon, type Api, type TestDaemon } from '../../../test/support/daemon.js';
import { makeGitRepo } from '../../../test/support/git-repo.js';

let t: TestDaemon;
let admin: Api;
let alice: Api;
let bob: Api;

beforeAll(async () => {
  t = await startTestDaemon({ authRequired: true });
  admin = await t.api.login(ADMIN.email, ADMIN.password);
  await admin.ok('POST', '/users', { email: 'alice@agor.test', password: 'alice-password', name: 'Alice' });
  await admin.ok('POST', '/users', { email: 'bob@agor.test', password: 'bob-password', name: 'Bob' });
  alice = await t.api.login('alice@agor.test', 'alice-password');
  bob = await t.api.login('bob@agor.test', 'bob-password');
});
afterAll(async () => t?.close());

async function aliceSession(visibility: 'team' | 'private' = 'team') {
  const repo = await alice.ok('POST', '/repos', { path: makeGitRepo() });
  const wt = await alice.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: `wt-${visibility}` });
  const board = await alice.ok('POST', '/boards', { name: `alice ${visibility}`, visibility });
  return alice.ok('POST', '/sessions', { worktree_id: wt.worktree_id, board_id: board.board_id, title: 'alice work' });
}

describe('authentication', () => {
  it('answers 401 without credentials on every route but /health and POST /authentication', async () => {
    for (const path of ['/sessions', '/users', '/repos', '/boards', '/tasks', '/mcp-servers', '/api-tokens', '/health-monitor', '/context']) {
      const res = await t.api.get(path);
      expect(res.status, path).toBe(401);
      expect(res.body.detail).toMatch(/authentication required/);
    }
    expect((await t.api.post('/sessions', { worktree_id: '01890000-0000-7000-8000-000000000000' })).status).toBe(401);
    expect((await t.api.get('/health')).status).toBe(200);
    expect((await t.api.as('garbage').get('/sessions')).status).toBe(401);
  });

  it('rejects a wrong password and accepts a refresh token', async () => {
    const wrong = await t.api.post('/authentication', { strategy: 'local', email: 'alice@agor.test', password: 'nope-nope' });
    expect(wrong.status).toBe(401);
    const ok = await t.api.ok('POST', '/authentication', { strategy: 'local', email: 'alice@agor.test', password: 'alice-password' });
    const refreshed = await t.api.ok('POST', '/authentication', { strategy: 'refresh', refreshToken: ok.refreshToken });
    expect(refreshed.user.email).toBe('alice@agor.test');
    expect((await t.api.as(refreshed.accessToken).get('/sessions')).status).toBe(200);
    // A refresh token is not an access token.
    expect((await t.api.as(ok.refreshToken).get('/sessions')).status).toBe(401);
  });

  it("forbids patching or deleting another user's session, while teammates can still read it", async () => {
    const session = await aliceSession();
    expect((await bob.get(`/sessions/${session.session_id}`)).status).toBe(200);
    const patch = await bob.patch(`/sessions/${session.session_id}`, { title: 'hijacked' });
    expect(patch.status).toBe(403);
    expect(patch.body.detail).toMatch(/only the user who created this session/);
    expect((await bob.delete(`/sessions/${session.session_id}`)).status).toBe(403);
    expect((await bob.post(`/sessions/${session.session_id}/prompt`, { prompt: 'rm -rf' })).status).toBe(403);
    expect((await bob.post('/messages', { session_id: session.session_id, role: 'user', content: 'x' })).status).toBe(403);
    expect((await alice.ok('GET', `/sessions/${session.session_id}`)).title).toBe('alice work');
    expect((await admin.patch(`/sessions/${session.session_id}`, { title: 'admin may' })).status).toBe(200);
  });

  it("hides sessions on someone else's private board", async () => {
    const session = await aliceSession('private');
    expect((await bob.get(`/sessions/${session.session_id}`)).status).toBe(404);
    const list = await bob.ok('GET', '/sessions?$limit=500');
    expect(list.data.map((s: { session_id: string }) => s.session_id)).not.toContain(session.session_id);
    expect((await bob.get(`/boards/${session.board_id}`)).status).toBe(404);
    expect((await bob.ok('GET', `/sessions?board_id=${session.board_id}`)).total).toBe(0);
  });

  it('keeps the MCP token to the session owner', async () => {
    const session = await aliceSession();
    expect((await alice.ok('GET', `/sessions/${session.session_id}`)).data.mcp_token).toMatch(/^[0-9a-f]{64}$/);
    expect((await bob.ok('GET', `/sessions/${session.session_id}`)).data.mcp_token).toBeUndefined();
  });

  it('issues API tokens shown once, and rejects them once revoked', async () => {
    const created = await alice.ok('POST', '/api-tokens', { name: 'ci' });
    expect(created.token).toMatch(/^agor_/);
    const ci = t.api.as(created.token);
    expect((await ci.ok('GET', '/sessions')).total).toBeGreaterThanOrEqual(0);
    const listed = await alice.ok('GET', '/api-tokens');
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(listed.data[0]).not.toHaveProperty('token_hash');
    expect((await bob.delete(`/api-tokens/${created.api_token_id}`)).status).toBe(404);
    await alice.ok('DELETE', `/api-tokens/${created.api_token_id}`);
    const after = await ci.get('/sessions');
    expect(after.status).toBe(401);
  });

  it('never returns a password or its hash from any route', async () => {
    const created = await admin.request('POST', '/users', { email: 'carol@agor.test', password: 'carol-password' });
    const login = await t.api.request('POST', '/authentication', { strategy: 'local', email: 'carol@agor.test', password: 'carol-password' });
    const carol = t.api.as(login.body.accessToken);
    const bodies = [
      created.body, login.body, await admin.ok('GET', '/users'), await carol.ok('GET', `/users/${created.body.user_id}`),
      await carol.ok('PATCH', `/users/${created.body.user_id}`, { password: 'carol-password-2', emoji: '🦊' }),
    ];
    for (const body of bodies) {
      const json = JSON.stringify(body);
      expect(json).not.toMatch(/password|scrypt\$/);
    }
    expect((await carol.patch(`/users/${created.body.user_id}`, { role: 'admin' })).status).toBe(403);
    expect((await carol.post('/users', { email: 'dave@agor.test', password: 'dave-password' })).status).toBe(403);
  });
});
