import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestDaemon } from '../../../test/support/daemon.js';
import { FakeAnthropic } from '../../../test/support/fake-anthropic.js';
import { makeGitRepo } from '../../../test/support/git-repo.js';
import { WsClient } from '../../../test/support/ws-client.js';

async function setup(t: Awaited<ReturnType<typeof startTestDaemon>>) {
  const repo = await t.api.ok('POST', '/repos', { path: makeGitRepo() });
  const wt = await t.api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'agent-work' });
  const session = await t.api.ok('POST', '/sessions', { worktree_id: wt.worktree_id, title: 'agent' });
  return { wt, session };
}

interface Agent {
  fake: FakeAnthropic;
  t: Awaited<ReturnType<typeof startTestDaemon>>;
  wt: any;
  session: any;
  ws: WsClient;
}

/** A process-runtime daemon with the real agent against a fake model, a session on a fresh worktree, and a socket subscribed to it. */
async function withAgent(channel: 'session' | '*', body: (a: Agent) => Promise<void>): Promise<void> {
  await using fake = await new FakeAnthropic().start();
  await using t = await startTestDaemon({ executorRuntime: 'process', anthropicBaseUrl: fake.url });
  const { wt, session } = await setup(t);
  const ws = await WsClient.connect(t.url);
  try {
    await ws.subscribe(channel === '*' ? '*' : `sessions/${session.session_id}`);
    await body({ fake, t, wt, session, ws });
  } finally {
    ws.close();
  }
}

const finished = (ws: WsClient, taskId: string, what: string) =>
  ws.next((f) => f.service === 'tasks' && f.data.task_id === taskId && ['completed', 'failed', 'stopped'].includes(f.data.status), what, 60_000);

describe('prompt flow on the process runtime, with the real Claude Code agent', () => {
  it('writes a file in the worktree, streams and stores messages in order, records usage, and resumes', async () => {
    await withAgent('session', async ({ fake, t, ws, wt, session }) => {
      const marker = fake.script('write-file', [
        { text: ['I will ', 'write ', 'the file.'], tool: { name: 'Write', input: { file_path: join(wt.path, 'hello.txt'), content: 'hello from the agent\n' } } },
        { text: ['Done: ', 'hello.txt ', 'written.'] },
      ]);
      const task = await t.api.ok('POST', `/sessions/${session.session_id}/prompt`, { prompt: `Write hello.txt ${marker}` });
      expect(task).toMatchObject({ status: 'created', session_id: session.session_id });
      const done = await finished(ws, task.task_id, 'the task to finish');
      expect(done.data).toMatchObject({ status: 'completed', error: null });
      expect(readFileSync(join(wt.path, 'hello.txt'), 'utf8')).toBe('hello from the agent\n');

      const messages = (await t.api.ok('GET', `/messages?session_id=${session.session_id}`)).data;
      expect(messages.map((m: { index: number }) => m.index)).toEqual(messages.map((_: unknown, i: number) => i));
      expect(messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'assistant', 'tool', 'assistant']);
      expect(messages[1].content[0]).toMatchObject({ type: 'text', text: 'I will write the file.' });
      expect(messages[2].content[0]).toMatchObject({ type: 'tool_use', name: 'Write' });
      expect(messages[3].content[0]).toMatchObject({ type: 'tool_result' });
      expect(messages[4].content[0]).toMatchObject({ type: 'text', text: 'Done: hello.txt written.' });

      const deltas = ws.frames.filter((f) => f.type === 'stream');
      expect(deltas.map((f) => f.delta).join('')).toBe('I will write the file.Done: hello.txt written.');
      const firstCreated = ws.frames.findIndex((f) => f.service === 'messages' && f.data.message_id === messages[1].message_id);
      expect(ws.frames.findIndex((f) => f.type === 'stream' && f.messageId === messages[1].message_id)).toBeLessThan(firstCreated);

      const stored = await t.api.ok('GET', `/tasks/${task.task_id}`);
      expect(stored.usage.input_tokens).toBeGreaterThan(0);
      expect(stored.usage.output_tokens).toBeGreaterThan(0);
      const after = await t.api.ok('GET', `/sessions/${session.session_id}`);
      expect(after.status).toBe('idle');
      expect(after.sdk_session_id).toMatch(/^[0-9a-f-]{36}$/);

      const again = fake.script('second', [{ text: 'Second answer.' }]);
      const before = fake.requests.length;
      const task2 = await t.api.ok('POST', `/sessions/${session.session_id}/prompt`, { prompt: `And now? ${again}` });
      expect((await finished(ws, task2.task_id, 'the second task')).data.status).toBe('completed');
      const resumed = fake.requests.slice(before).find((r) => r.path.startsWith('/v1/messages'))!;
      expect(resumed.headers['x-claude-code-session-id']).toBe(after.sdk_session_id);
      expect(JSON.stringify(resumed.body.messages)).toContain('hello.txt written.');
      expect((await t.api.ok('GET', `/sessions/${session.session_id}`)).sdk_session_id).toBe(after.sdk_session_id);
      expect((await t.api.ok('GET', '/health')).isolation).toBe('none');
    });
  });

  it('fails a task with the reason when the model errors, and queues prompts in order', async () => {
    await withAgent('session', async ({ fake, t, ws, session }) => {
      const slow = fake.script('slow', [{ text: ['one', 'two', 'three'], delayMs: 150 }]);
      const boom = fake.script('boom', [{ status: 400 }]);
      const t1 = await t.api.ok('POST', `/sessions/${session.session_id}/prompt`, { prompt: `first ${slow}` });
      const t2 = await t.api.ok('POST', `/sessions/${session.session_id}/prompt`, { prompt: `second ${boom}` });
      const d1 = await finished(ws, t1.task_id, 'the first task');
      const d2 = await finished(ws, t2.task_id, 'the second task');
      expect(d1.data.status).toBe('completed');
      expect(d2.data.status).toBe('failed');
      expect(d2.data.error).toMatch(/Claude Code/);
      const started = ws.frames.filter((f) => f.service === 'tasks' && f.data.status === 'running').map((f) => f.data.task_id);
      expect(started).toEqual([t1.task_id, t2.task_id]);
      expect(ws.frames.indexOf(d1)).toBeLessThan(ws.frames.findIndex((f) => f.service === 'tasks' && f.data.task_id === t2.task_id && f.data.status === 'running'));
      expect((await t.api.ok('GET', `/sessions/${session.session_id}`)).status).toBe('failed');
    });
  });

  it('stops a running task promptly', async () => {
    await withAgent('session', async ({ fake, t, ws, session }) => {
      const hang = fake.script('hang', [{ text: ['thinking…'], hang: true }]);
      const task = await t.api.ok('POST', `/sessions/${session.session_id}/prompt`, { prompt: `never ends ${hang}` });
      await ws.next((f) => f.type === 'stream', 'the first delta', 30_000);
      const start = Date.now();
      const stopped = await t.api.ok('POST', `/sessions/${session.session_id}/stop`);
      expect(stopped.stopped).toEqual([task.task_id]);
      const done = await finished(ws, task.task_id, 'the stopped task');
      expect(done.data.status).toBe('stopped');
      expect(Date.now() - start).toBeLessThan(5000);
      expect(existsSync(t.home)).toBe(true);
    });
  });

  it('asks for permission when the session requires it, waits awaiting_permission, and runs the tool once allowed', async () => {
    await withAgent('session', async ({ fake, t, ws, wt, session }) => {
      await t.api.ok('PATCH', `/sessions/${session.session_id}`, { data: { permission_mode: 'default' } });
      const marker = fake.script('ask', [
        { tool: { name: 'Write', input: { file_path: join(wt.path, 'approved.txt'), content: 'approved\n' } } },
        { text: 'Written after approval.' },
      ]);
      const task = await t.api.ok('POST', `/sessions/${session.session_id}/prompt`, { prompt: `needs approval ${marker}` });
      const asking = await ws.next((f) => f.service === 'tasks' && f.data.status === 'awaiting_permission', 'the permission request', 30_000);
      expect(asking.data.data.permission_request).toMatchObject({ tool: 'Write', input: { file_path: join(wt.path, 'approved.txt') } });
      expect(existsSync(join(wt.path, 'approved.txt'))).toBe(false);
      expect((await t.api.ok('GET', `/sessions/${session.session_id}`)).status).toBe('awaiting_permission');
      const bad = await t.api.post(`/tasks/${task.task_id}/permission`, { allow: 'yes' });
      expect(bad.status).toBe(400);
      await t.api.ok('POST', `/tasks/${task.task_id}/permission`, { allow: true, remember: true });
      const done = await finished(ws, task.task_id, 'the approved task');
      expect(done.data.status).toBe('completed');
      expect(readFileSync(join(wt.path, 'approved.txt'), 'utf8')).toBe('approved\n');
      expect((await t.api.ok('GET', `/sessions/${session.session_id}`)).data.allowed_tools).toEqual(['Write']);
      const again = await t.api.post(`/tasks/${task.task_id}/permission`, { allow: true });
      expect(again.status).toBe(409);
    });
  });

  it('continues a fork from the parent’s SDK session cut at the fork point, as a new SDK session', async () => {
    await withAgent('*', async ({ fake, t, ws, session }) => {
      const first = fake.script('parent-turn', [{ text: 'The secret word is PARENT-CONTEXT.' }]);
      const t1 = await t.api.ok('POST', `/sessions/${session.session_id}/prompt`, { prompt: `remember ${first}` });
      await finished(ws, t1.task_id, 'the parent task');
      const later = fake.script('after-fork-point', [{ text: 'This came AFTER-THE-FORK-POINT.' }]);
      const t2 = await t.api.ok('POST', `/sessions/${session.session_id}/prompt`, { prompt: `more ${later}` });
      await finished(ws, t2.task_id, 'the second parent task');
      const parent = await t.api.ok('GET', `/sessions/${session.session_id}`);
      const history = (await t.api.ok('GET', `/messages?session_id=${session.session_id}`)).data;
      expect(history.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
      expect(history[1].sdk_message_id).toBeTruthy();
      const fork = await t.api.ok('POST', `/sessions/${session.session_id}/fork`, { message_index: 1 });
      expect(fork.message_count).toBe(2);
      const next = fake.script('fork-turn', [{ text: 'Forked answer.' }]);
      const before = fake.requests.length;
      const t3 = await t.api.ok('POST', `/sessions/${fork.session_id}/prompt`, { prompt: `what was it? ${next}` });
      expect((await finished(ws, t3.task_id, 'the fork task')).data.status).toBe('completed');
      const req = fake.requests.slice(before).find((r) => r.path.startsWith('/v1/messages'))!;
      const sent = JSON.stringify(req.body.messages);
      expect(sent).toContain('PARENT-CONTEXT');
      expect(sent).not.toContain('AFTER-THE-FORK-POINT');
      const forked = await t.api.ok('GET', `/sessions/${fork.session_id}`);
      expect(forked.sdk_session_id).toBeTruthy();
      expect(forked.sdk_session_id).not.toBe(parent.sdk_session_id);
      expect(req.headers['x-claude-code-session-id']).toBe(forked.sdk_session_id);
      expect((await t.api.ok('GET', `/sessions/${session.session_id}`)).sdk_session_id).toBe(parent.sdk_session_id);
    });
  });

  it("uses the user's own stored key, encrypted at rest, over the daemon's", async () => {
    await withAgent('session', async ({ fake, t, ws, session }) => {
      const me = (await t.api.ok('GET', `/sessions/${session.session_id}`)).created_by;
      const stored = await t.api.request('PUT', `/users/${me}/credentials/anthropic`, { api_key: 'sk-user-own-key-123', base_url: fake.url });
      expect(stored.status).toBe(200);
      expect(stored.body).toMatchObject({ provider: 'anthropic', has_key: true });
      expect(JSON.stringify(await t.api.ok('GET', `/users/${me}/credentials`))).not.toContain('sk-user-own-key-123');
      expect((await t.api.request('PUT', `/users/${me}/credentials/mistral`, { api_key: 'x' })).status).toBe(400);
      const { sql } = await import('drizzle-orm');
      const raw = JSON.stringify(await t.daemon.store.db.execute(sql`select * from user_credentials`));
      expect(raw).not.toContain('sk-user-own-key-123');
      const marker = fake.script('own-key', [{ text: 'hi' }]);
      const task = await t.api.ok('POST', `/sessions/${session.session_id}/prompt`, { prompt: `hello ${marker}` });
      expect((await finished(ws, task.task_id, 'the task')).data.status).toBe('completed');
      const req = fake.requests.find((r) => JSON.stringify(r.body.messages ?? []).includes('[script:own-key]'))!;
      expect(req.headers['x-api-key']).toBe('sk-user-own-key-123');
    });
  });
});
