import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestDaemon, type Api, type TestDaemon } from '../../../test/support/daemon.js';
import { makeGitRepo } from '../../../test/support/git-repo.js';
import { WsClient } from '../../../test/support/ws-client.js';
import { uuidv7 } from '../core/ids.js';
import { streamDelta } from '../services/stream.js';
import { createMessages } from '../services/messages.js';
import { ctxFor } from '../http/app.js';

let t: TestDaemon;
let alice: Api;
let bob: Api;
let aliceToken: string;
let bobToken: string;
const sockets: WsClient[] = [];

async function connect(token: string, query = false): Promise<WsClient> {
  const c = await WsClient.connect(t.url, { token, query });
  sockets.push(c);
  return c;
}

async function sessionOnBoard(api: Api, visibility: 'team' | 'private' = 'team') {
  const repo = await api.ok('POST', '/repos', { path: makeGitRepo() });
  const wt = await api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'w' });
  const board = await api.ok('POST', '/boards', { name: 'board', visibility });
  const session = await api.ok('POST', '/sessions', { worktree_id: wt.worktree_id, board_id: board.board_id, title: 'first' });
  return { board, session, worktree: wt };
}

beforeAll(async () => {
  t = await startTestDaemon({ authRequired: true });
  const admin = await t.api.login(ADMIN.email, ADMIN.password);
  await admin.ok('POST', '/users', { email: 'alice@ws.test', password: 'alice-password', name: 'Alice', emoji: '🦊' });
  await admin.ok('POST', '/users', { email: 'bob@ws.test', password: 'bob-password', name: 'Bob', emoji: '🐻' });
  alice = await t.api.login('alice@ws.test', 'alice-password');
  bob = await t.api.login('bob@ws.test', 'bob-password');
  aliceToken = alice.token as string;
  bobToken = bob.token as string;
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

describe('websocket events', () => {
  it('sends exactly one patched frame, with the new data, to every subscriber of the board', async () => {
    const { board, session } = await sessionOnBoard(alice);
    const b = await connect(bobToken);
    const c = await connect(aliceToken, true);
    await b.subscribe(`boards/${board.board_id}`);
    await c.subscribe(`boards/${board.board_id}`);
    await alice.ok('PATCH', `/sessions/${session.session_id}`, { title: 'renamed' });
    for (const client of [b, c]) {
      const frame = await client.next((f) => f.service === 'sessions' && f.event === 'patched', 'sessions patched');
      expect(frame.data).toMatchObject({ session_id: session.session_id, title: 'renamed' });
      expect(frame.data.data.mcp_token).toBeUndefined();
      await client.settle();
      expect(client.events('sessions', 'patched')).toHaveLength(1);
    }
  });

  it("does not send a user events about a board they may not read", async () => {
    const { board: hidden, session: secret } = await sessionOnBoard(alice, 'private');
    const { board: open } = await sessionOnBoard(alice, 'team');
    const b = await connect(bobToken);
    await b.subscribe('*', `boards/${hidden.board_id}`, `sessions/${secret.session_id}`);
    const a = await connect(aliceToken);
    await a.subscribe(`boards/${hidden.board_id}`);
    await alice.ok('PATCH', `/sessions/${secret.session_id}`, { title: 'secret plan' });
    await alice.ok('POST', '/messages', { session_id: secret.session_id, role: 'user', content: 'private words' });
    await alice.ok('PATCH', `/boards/${open.board_id}`, { name: 'public news' });
    await b.next((f) => f.service === 'boards' && f.data.name === 'public news', 'the team board event');
    await a.next((f) => f.service === 'sessions' && f.data.title === 'secret plan', 'the owner’s own event');
    const leaked = b.frames.filter((f) => f.type !== 'subscribed' && JSON.stringify(f).includes(secret.session_id));
    expect(leaked).toEqual([]);
    expect(JSON.stringify(b.frames)).not.toContain('private words');
  });

  it('sends nothing to an unauthenticated socket until it authenticates', async () => {
    const { board } = await sessionOnBoard(alice);
    const anon = await WsClient.connect(t.url);
    sockets.push(anon);
    expect(anon.frames[0]).toMatchObject({ type: 'ready', userId: null, authRequired: true });
    anon.send({ type: 'subscribe', channels: ['*'] });
    await anon.next((f) => f.type === 'error' && f.code === 'UNAUTHENTICATED', 'the auth error');
    await alice.ok('PATCH', `/boards/${board.board_id}`, { name: 'while anonymous' });
    await anon.settle();
    expect(anon.events('boards')).toHaveLength(0);
    anon.send({ type: 'auth', token: bobToken });
    await anon.next((f) => f.type === 'authenticated', 'authenticated');
    await anon.subscribe('*');
    await alice.ok('PATCH', `/boards/${board.board_id}`, { name: 'after auth' });
    await anon.next((f) => f.service === 'boards' && f.data.name === 'after auth', 'the event after auth');
    const bad = await WsClient.connect(t.url, { token: 'not-a-token' });
    sockets.push(bad);
    expect(bad.frames[0]).toMatchObject({ type: 'error', code: 'UNAUTHENTICATED' });
  });

  it('answers a bad frame with an error frame and keeps the connection', async () => {
    const a = await connect(aliceToken);
    const b = await connect(bobToken);
    await b.subscribe('*');
    for (const bad of ['not json', '{"type":"subscribe","channels":["nope"]}', '{"type":"cursor","boardId":"x"}', '{"type":"teleport"}', '[]']) {
      const count = a.frames.filter((f) => f.type === 'error').length;
      a.send(bad);
      await a.next(() => a.frames.filter((f) => f.type === 'error').length > count, `an error for ${bad}`);
    }
    expect(a.frames.filter((f) => f.type === 'error').map((f) => f.code)).toEqual(['BAD_FRAME', 'BAD_FRAME', 'BAD_FRAME', 'BAD_FRAME', 'BAD_FRAME']);
    await a.settle();
    expect(a.closed).toBeNull();
    const board = await alice.ok('POST', '/boards', { name: 'still fine' });
    await b.next((f) => f.service === 'boards' && f.data.board_id === board.board_id, 'an event after the bad frames');
  });

  it('never emits an event for a change that rolled back', async () => {
    const { session } = await sessionOnBoard(alice);
    const a = await connect(aliceToken);
    await a.subscribe(`sessions/${session.session_id}`);
    const res = await alice.request('POST', '/messages', [
      { session_id: session.session_id, role: 'user', content: 'would be 0' },
      { session_id: session.session_id, role: 'user', content: 'bad index', index: 5 },
    ]);
    expect(res.status).toBe(409);
    await alice.ok('POST', '/messages', { session_id: session.session_id, role: 'user', content: 'committed' });
    const first = await a.next((f) => f.service === 'messages', 'a messages event');
    expect(first.data).toMatchObject({ content: 'committed', index: 0 });
    await a.settle();
    expect(a.events('messages')).toHaveLength(1);
  });

  it('streams deltas in order to the session, then the final message as messages created', async () => {
    const { session } = await sessionOnBoard(alice);
    const watcher = await connect(bobToken);
    await watcher.subscribe(`sessions/${session.session_id}`);
    const user = (await alice.ok('GET', `/users?email=alice@ws.test`)).data[0];
    const ctx = ctxFor(t.daemon.deps, { kind: 'executor', user: { ...user, password_hash: null, created_at: new Date(), updated_at: new Date() }, sessionId: session.session_id, taskId: null });
    const messageId = uuidv7();
    const parts = ['Hel', 'lo, ', 'wor', 'ld', '!'];
    for (const [seq, delta] of parts.entries()) await streamDelta(ctx, { session_id: session.session_id, message_id: messageId, delta, seq });
    await createMessages(ctx, { session_id: session.session_id, role: 'assistant', content: parts.join('') });
    const final = await watcher.next((f) => f.service === 'messages' && f.event === 'created', 'the final message');
    const streamed = watcher.frames.filter((f) => f.type === 'stream');
    expect(streamed.map((f) => f.delta)).toEqual(parts);
    expect(streamed.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(watcher.frames.indexOf(final)).toBeGreaterThan(watcher.frames.indexOf(streamed[4]));
    expect(final.data.content).toBe('Hello, world!');
  });
});

describe('presence and cursors', () => {
  it('throttles cursors to one frame per 100 ms per user, keeps the last position, and says who left', async () => {
    const { board } = await sessionOnBoard(alice);
    const a = await connect(aliceToken);
    const b = await connect(bobToken);
    await b.subscribe(`boards/${board.board_id}`);
    await a.subscribe(`boards/${board.board_id}`);
    a.send({ type: 'presence', boardId: board.board_id, state: 'active' });
    const here = await b.next((f) => f.type === 'presence' && f.state === 'active', 'alice’s presence');
    expect(here).toMatchObject({ userId: expect.any(String), name: 'Alice', emoji: '🦊' });

    const start = Date.now();
    for (let i = 0; i < 50; i++) {
      a.send({ type: 'cursor', boardId: board.board_id, x: i, y: i * 2 });
      await new Promise((r) => setTimeout(r, 10));
    }
    const elapsed = Date.now() - start;
    await b.next((f) => f.type === 'cursor' && f.x === 49, 'the last cursor position', 2000);
    const cursors = b.frames.filter((f) => f.type === 'cursor');
    expect(cursors.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 1);
    expect(cursors.length).toBeGreaterThanOrEqual(3);
    expect(cursors.at(-1)).toMatchObject({ x: 49, y: 98, name: 'Alice' });
    expect(a.frames.filter((f) => f.type === 'cursor')).toHaveLength(0);

    const late = await connect(bobToken);
    await late.subscribe(`boards/${board.board_id}`);
    await late.next((f) => f.type === 'presence' && f.name === 'Alice', 'presence snapshot for a late subscriber');

    a.close();
    const left = await b.next((f) => f.type === 'presence' && f.state === 'left', 'the left frame');
    expect(left).toMatchObject({ boardId: board.board_id, name: 'Alice' });
  });
});
