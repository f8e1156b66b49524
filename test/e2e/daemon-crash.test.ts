import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Api } from '../support/daemon.js';
import { spawnDaemon } from '../support/daemon-process.js';
import { docker, dockerAvailable } from '../support/docker.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { makeGitRepo } from '../support/git-repo.js';

const hasDocker = await dockerAvailable();

describe.skipIf(!hasDocker)('a daemon killed with SIGKILL mid-task', () => {
  it('reconciles on restart: the task fails with the reason, acknowledged messages are kept, orphans are removed', async () => {
    await using fake = await new FakeAnthropic().start();
    const env = {
      AGOR_HOME: mkdtempSync(join(tmpdir(), 'agor-crash-')), AGOR_EXECUTOR_RUNTIME: 'docker', AGOR_DAEMON_ID: `crash-${Date.now()}`,
      ANTHROPIC_API_KEY: 'test-anthropic-key', ANTHROPIC_BASE_URL: fake.url,
    };
    const first = await spawnDaemon(env);
    let api = new Api(() => first.url);
    const repo = await api.ok('POST', '/repos', { path: makeGitRepo() });
    const wt = await api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'w' });
    const session = await api.ok('POST', '/sessions', { worktree_id: wt.worktree_id });
    const marker = fake.script('crash', [
      { text: 'Step one.', tool: { name: 'Write', input: { file_path: join(wt.path, 'one.txt'), content: '1' } } },
      { text: ['Step two…'], hang: true },
    ]);
    const task = await api.ok('POST', `/sessions/${session.session_id}/prompt`, { prompt: `go ${marker}` });
    let acknowledged: Array<{ message_id: string }> = [];
    for (let i = 0; i < 900 && acknowledged.length < 5; i++) {
      acknowledged = (await api.ok('GET', `/messages?session_id=${session.session_id}`)).data;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(acknowledged.length, 'user, text, tool use, tool result and the last turn’s text were stored').toBeGreaterThanOrEqual(4);
    expect(docker('ps', '-q', '--filter', `label=agor.daemon-id=${env.AGOR_DAEMON_ID}`).out.trim()).not.toBe('');
    await first.kill('SIGKILL');

    await using second = await spawnDaemon(env);
    api = new Api(() => second.url);
    const failed = await api.ok('GET', `/tasks/${task.task_id}`);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/daemon restarted/);
    const after = (await api.ok('GET', `/messages?session_id=${session.session_id}`)).data.map((m: { message_id: string }) => m.message_id);
    expect(after.slice(0, acknowledged.length)).toEqual(acknowledged.map((m) => m.message_id));
    expect(docker('ps', '-aq', '--filter', `label=agor.daemon-id=${env.AGOR_DAEMON_ID}`).out.trim()).toBe('');
    expect((await api.ok('GET', `/sessions/${session.session_id}`)).status).toBe('failed');
    const next = fake.script('after-crash', [{ text: 'Fine again.' }]);
    const task2 = await api.ok('POST', `/sessions/${session.session_id}/prompt`, { prompt: `again ${next}` });
    let status = '';
    for (let i = 0; i < 900 && !['completed', 'failed'].includes(status); i++) {
      status = (await api.ok('GET', `/tasks/${task2.task_id}`)).status;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('completed');
  });
});
