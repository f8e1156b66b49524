import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from '../../../test/support/daemon.js';
import { FakeGemini } from '../../../test/support/fake-gemini.js';
import { FakeOpenAI } from '../../../test/support/fake-openai.js';
import { makeGitRepo } from '../../../test/support/git-repo.js';
import { WsClient } from '../../../test/support/ws-client.js';

async function run(t: TestDaemon, agent: 'codex' | 'gemini', promptsFor: (worktreePath: string) => string[]) {
  const repo = await t.api.ok('POST', '/repos', { path: makeGitRepo() });
  const wt = await t.api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: agent });
  const session = await t.api.ok('POST', '/sessions', { worktree_id: wt.worktree_id, agentic_tool: agent });
  const ws = await WsClient.connect(t.url);
  await ws.subscribe(`sessions/${session.session_id}`);
  const tasks = [];
  for (const prompt of promptsFor(wt.path)) {
    const task = await t.api.ok('POST', `/sessions/${session.session_id}/prompt`, { prompt });
    tasks.push((await ws.next((f) => f.service === 'tasks' && f.data.task_id === task.task_id && ['completed', 'failed'].includes(f.data.status), `${agent} task`, 90_000)).data);
  }
  ws.close();
  return { wt, session, tasks, frames: ws.frames };
}

describe('the codex and gemini agents on the process runtime', () => {
  it('codex: calls agor over MCP, runs a shell command in the worktree, streams, stores messages, resumes the thread', async () => {
    await using fake = await new FakeOpenAI().start();
    await using t = await startTestDaemon({ executorRuntime: 'process', openaiBaseUrl: fake.url });
    const scripts = () => {
      const first = fake.script('codex-1', [
        { call: { name: 'agor_sessions_get_current', namespace: 'mcp__agor', arguments: {} } },
        { text: ['Writing ', 'with the shell.'], call: { name: 'exec_command', arguments: { cmd: 'printf codex > codex.txt' } } },
        { text: ['Codex ', 'done.'] },
      ]);
      const second = fake.script('codex-2', [{ text: ['Resumed.'] }]);
      return [`write it ${first}`, `again ${second}`];
    };
    const { wt, session, tasks, frames } = await run(t, 'codex', scripts);
    expect(tasks.map((x) => [x.status, x.error])).toEqual([['completed', null], ['completed', null]]);
    expect(readFileSync(join(wt.path, 'codex.txt'), 'utf8')).toBe('codex');
    const messages = (await t.api.ok('GET', `/messages?session_id=${session.session_id}`)).data;
    const tools = messages.filter((m: { role: string }) => m.role === 'tool').map((m: { content: Array<{ content: unknown }> }) => JSON.stringify(m.content));
    expect(tools.some((c: string) => c.includes(session.session_id))).toBe(true);
    expect(messages.some((m: { content: unknown }) => JSON.stringify(m.content).includes('exec_command'))).toBe(true);
    expect(messages.at(-1).content[0].text).toBe('Resumed.');
    expect(frames.filter((f) => f.type === 'stream').map((f) => f.delta).join('')).toContain('Codex done.');
    expect(tasks[0].usage.input_tokens).toBeGreaterThan(0);
    const thread = (await t.api.ok('GET', `/sessions/${session.session_id}`)).sdk_session_id;
    expect(thread).toBeTruthy();
    const resumed = fake.requests.filter((r) => JSON.stringify(r.body.input).includes('[script:codex-2]'));
    expect(JSON.stringify(resumed[0]!.body.input)).toContain('[script:codex-1]');
    expect(resumed[0]!.headers['thread-id'] ?? resumed[0]!.headers['session-id']).toBe(thread);
  });

  it('gemini: calls agor over MCP, writes a file with write_file, streams, stores messages, resumes the session', async () => {
    await using fake = await new FakeGemini().start();
    await using t = await startTestDaemon({ executorRuntime: 'process', geminiBaseUrl: fake.url });
    const scripts = (wtPath: string) => {
      const first = fake.script('gem-1', [
        { call: { name: 'mcp_agor_agor_sessions_get_current', args: {} } },
        { text: ['Writing ', 'now.'], call: { name: 'write_file', args: { file_path: `${wtPath}/gemini.txt`, content: 'gemini' } } },
        { text: ['Gemini ', 'done.'] },
      ]);
      const second = fake.script('gem-2', [{ text: ['Resumed.'] }]);
      return [`write it ${first}`, `again ${second}`];
    };
    const { wt, session, tasks, frames } = await run(t, 'gemini', scripts);
    expect(tasks.map((x) => [x.status, x.error])).toEqual([['completed', null], ['completed', null]]);
    expect(readFileSync(join(wt.path, 'gemini.txt'), 'utf8')).toBe('gemini');
    const messages = (await t.api.ok('GET', `/messages?session_id=${session.session_id}`)).data;
    expect(messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'assistant', 'tool', 'assistant', 'user', 'assistant']);
    expect(JSON.stringify(messages[2].content)).toContain('is_error":false');
    expect(frames.filter((f) => f.type === 'stream').map((f) => f.delta).join('')).toBe('Writing now.Gemini done.Resumed.');
    const sdk = (await t.api.ok('GET', `/sessions/${session.session_id}`)).sdk_session_id;
    expect(sdk).toMatch(/^[0-9a-f-]{36}$/);
    const resumed = fake.requests.find((r) => JSON.stringify(r.body.contents ?? []).includes('[script:gem-2]'))!;
    expect(JSON.stringify(resumed.body.contents)).toContain('[script:gem-1]');
  });
});
