import { createConnection } from 'node:net';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { startTestDaemon } from '../../../test/support/daemon.js';
import { makeGitRepo } from '../../../test/support/git-repo.js';
import type { Clock } from '../core/clock.js';
import { lineTransport } from '../ipc/line-transport.js';
import { Peer } from '../ipc/peer.js';
import { RpcCode } from '../protocol/jsonrpc.js';
import { auditLog, sessions, users } from '../store/schema.js';
import { SessionTokens } from './session-tokens.js';
import { socketPathFor } from './setup.js';

class TestClock implements Clock {
  offset = 0;
  now() { return new Date(Date.now() + this.offset); }
}

async function connect(socketPath: string): Promise<Peer> {
  const socket = createConnection(socketPath);
  await new Promise<void>((r, j) => { socket.once('connect', () => r()); socket.once('error', j); });
  return new Peer(lineTransport(socket));
}

describe('the executor socket', () => {
  it('binds a session token to its session: it cannot write to another session, and expired tokens are refused', async () => {
    const clock = new TestClock();
    await using t = await startTestDaemon({ clock });
    const repo = await t.api.ok('POST', '/repos', { path: makeGitRepo() });
    const wt = await t.api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'w' });
    const a = await t.api.ok('POST', '/sessions', { worktree_id: wt.worktree_id, title: 'A' });
    const b = await t.api.ok('POST', '/sessions', { worktree_id: wt.worktree_id, title: 'B' });
    const db = t.daemon.store.db;
    const [user] = await db.select().from(users).where(eq(users.user_id, a.created_by));
    const tokens = new SessionTokens(db, clock);
    const tokenA = await tokens.issue({ sessionId: a.session_id, userId: user!.user_id, taskId: null });
    const socketPath = socketPathFor(t.home, (await t.api.ok('GET', '/health')).daemon_id);

    const anon = await connect(socketPath);
    await expect(anon.request('messages.create', { role: 'assistant', content: 'x' })).rejects.toMatchObject({ code: RpcCode.UNAUTHENTICATED });
    await expect(anon.request('auth.hello', { sessionToken: 'made-up' })).rejects.toMatchObject({ code: RpcCode.UNAUTHENTICATED });
    anon.close();

    const peer = await connect(socketPath);
    expect(await peer.request('auth.hello', { sessionToken: tokenA })).toMatchObject({ sessionId: a.session_id });
    await expect(peer.request('sessions.patch', { title: 'hijacked', sessionId: b.session_id })).rejects.toMatchObject({ code: RpcCode.INVALID_PARAMS });
    await expect(peer.request('messages.create', { role: 'assistant', content: 'into B?', session_id: b.session_id })).rejects.toMatchObject({ code: RpcCode.INVALID_PARAMS });
    await peer.request('sessions.patch', { title: 'renamed by its executor' });
    await peer.request('messages.create', { role: 'assistant', content: 'hello A' });
    await expect(peer.request('auth.hello', { sessionToken: tokenA })).rejects.toMatchObject({ code: RpcCode.CONFLICT });
    expect((await t.api.ok('GET', `/sessions/${b.session_id}`)).title).toBe('B');
    expect((await t.api.ok('GET', `/messages?session_id=${b.session_id}`)).total).toBe(0);
    expect((await t.api.ok('GET', `/sessions/${a.session_id}`)).title).toBe('renamed by its executor');
    expect((await t.api.ok('GET', `/messages?session_id=${a.session_id}`)).data[0].content).toBe('hello A');
    peer.close();

    clock.offset = 25 * 3600_000;
    const late = await connect(socketPath);
    await expect(late.request('auth.hello', { sessionToken: tokenA })).rejects.toMatchObject({ code: RpcCode.UNAUTHENTICATED, message: expect.stringContaining('expired') });
    late.close();
    expect(await tokens.sweepExpired()).toBe(1);

    await new Promise((r) => setTimeout(r, 400));
    const audit = await db.select().from(auditLog).where(eq(auditLog.session_id, a.session_id));
    expect(audit.map((e) => `${e.method}:${e.outcome}`)).toEqual(expect.arrayContaining(['auth.hello:ok', 'sessions.patch:ok', 'messages.create:ok', 'sessions.patch:error']));
    expect(JSON.stringify(audit)).not.toContain(tokenA);
    expect((await db.select().from(sessions).where(eq(sessions.session_id, b.session_id)))[0]?.title).toBe('B');
  });
});
