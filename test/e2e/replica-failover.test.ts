import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { Api, freshDatabase } from '../support/daemon.js';
import { spawnDaemon } from '../support/daemon-process.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { makeGitRepo } from '../support/git-repo.js';

describe.skipIf(!inject('postgresUrl'))('two replicas on one PostgreSQL', () => {
  it('when the replica running a task is killed, the survivor fails the task with a reason within 30 s', async () => {
    await using fake = await new FakeAnthropic().start();
    const databaseUrl = await freshDatabase();
    const env = (name: string) => ({
      DATABASE_URL: databaseUrl, AGOR_HOME: mkdtempSync(join(tmpdir(), `agor-${name}-`)), AGOR_DAEMON_ID: name,
      AGOR_EXECUTOR_RUNTIME: 'process', ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: fake.url,
    });
    const one = await spawnDaemon(env('replica-1'));
    await using two = await spawnDaemon(env('replica-2'));
    const api1 = new Api(() => one.url);
    const api2 = new Api(() => two.url);
    const repo = await api1.ok('POST', '/repos', { path: makeGitRepo() });
    const wt = await api1.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'w' });
    const session = await api1.ok('POST', '/sessions', { worktree_id: wt.worktree_id });
    const hang = fake.script('failover', [{ text: ['working'], hang: true }]);
    const task = await api1.ok('POST', `/sessions/${session.session_id}/prompt`, { prompt: `long job ${hang}` });
    for (let i = 0; i < 200 && (await api2.ok('GET', `/tasks/${task.task_id}`)).status !== 'running'; i++) await new Promise((r) => setTimeout(r, 100));
    await one.kill('SIGKILL');
    const start = Date.now();
    let current = await api2.ok('GET', `/tasks/${task.task_id}`);
    while (current.status === 'running' && Date.now() - start < 30_000) {
      await new Promise((r) => setTimeout(r, 250));
      current = await api2.ok('GET', `/tasks/${task.task_id}`);
    }
    expect(current.status).toBe('failed');
    expect(current.error).toMatch(/replica running this task stopped/);
    expect(Date.now() - start).toBeLessThan(30_000);
    expect((await api2.ok('GET', `/sessions/${session.session_id}`)).status).toBe('failed');
  });
});
