import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agor } from '../support/cli.js';
import { ADMIN, startTestDaemon, type TestDaemon } from '../support/daemon.js';
import { dockerAvailable } from '../support/docker.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { makeGitRepo } from '../support/git-repo.js';
import { freePort } from '../support/postgres-cluster.js';

let fake: FakeAnthropic;
beforeAll(async () => { fake = await new FakeAnthropic().start(); });
afterAll(async () => fake?.[Symbol.asyncDispose]());

async function waitTask(env: Record<string, string>, id: string): Promise<any> {
  for (let i = 0; i < 600; i++) {
    const r = await agor(['task', 'show', id, '--json'], env);
    if (['completed', 'failed', 'stopped'].includes(r.json?.status)) return r.json;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`task ${id} did not finish`);
}

describe('the agor CLI against a real daemon', () => {
  it('runs the whole flow: init, daemon start, repo, worktree, session, prompt, logs, fork, spawn, stop, daemon stop', async () => {
    const port = await freePort();
    const env = {
      AGOR_HOME: mkdtempSync(join(tmpdir(), 'agor-cli-')), PORT: String(port), AGOR_EXECUTOR_RUNTIME: 'process',
      ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: fake.url,
    };
    const init = await agor(['init', '--json'], env);
    expect(init.code, init.stderr).toBe(0);
    expect(init.json).toMatchObject({ home: env.AGOR_HOME, store: 'pglite' });
    expect(existsSync(join(env.AGOR_HOME, 'db'))).toBe(true);
    const started = await agor(['daemon', 'start', '--json'], env);
    expect(started.code, started.stderr).toBe(0);
    expect(started.json).toMatchObject({ url: `http://127.0.0.1:${port}`, store: 'pglite' });
    try {
      const again = await agor(['daemon', 'start'], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already running/);
      expect((await agor(['daemon', 'status', '--json'], env)).json).toMatchObject({ running: true, isolation: 'none' });

      const repo = await agor(['repo', 'add', makeGitRepo(), '--name', 'cli-demo', '--json'], env);
      expect(repo.code, repo.stderr).toBe(0);
      const wt = await agor(['worktree', 'create', '--repo', repo.json.repo_id.slice(0, 8), '--name', 'feat', '--json'], env);
      expect(wt.code, wt.stderr).toBe(0);
      expect(wt.json.branch).toBe('feat');
      expect((await agor(['worktree', 'list', '--json'], env)).json.total).toBe(1);
      const session = await agor(['session', 'create', '--worktree', wt.json.worktree_id.slice(0, 13), '--title', 'from the CLI', '--json'], env);
      expect(session.code, session.stderr).toBe(0);
      const sid = session.json.session_id as string;

      const marker = fake.script('cli-flow', [{ text: ['Hello ', 'from the agent.'] }]);
      const prompt = await agor(['session', 'prompt', sid, `say hello ${marker}`, '--json'], env);
      expect(prompt.code, prompt.stderr).toBe(0);
      expect((await waitTask(env, prompt.json.task_id)).status).toBe('completed');
      const logs = await agor(['session', 'logs', sid, '--json'], env);
      const lines = logs.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.map((m) => m.role)).toEqual(['user', 'assistant']);
      expect(JSON.stringify(lines[1].content)).toContain('Hello from the agent.');
      const human = await agor(['session', 'logs', sid], env);
      expect(human.stdout).toContain('#1 assistant: Hello from the agent.');

      const fork = await agor(['session', 'fork', sid, '--at', '0', '--json'], env);
      expect(fork.json).toMatchObject({ forked_from_session_id: sid, forked_at_message_index: 0, message_count: 1 });
      const spawn = await agor(['session', 'spawn', sid, '--title', 'child', '--json'], env);
      expect(spawn.json).toMatchObject({ parent_session_id: sid, title: 'child' });
      const stop = await agor(['session', 'stop', sid, '--json'], env);
      expect(stop.json).toEqual({ stopped: [] });
      const list = await agor(['session', 'list', '--json'], env);
      expect(list.json.total).toBe(3);
      const table = await agor(['session', 'list'], env);
      expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+TITLE\s+AGENT\s+STATUS/);

      // UUIDv7s made within the same 65 s share their first 8 hex characters; find such a pair, or make one.
      const ids = (list.json.data as Array<{ session_id: string }>).map((x) => x.session_id);
      let shared = ids.flatMap((x) => ids.filter((y) => y !== x && y.slice(0, 8) === x.slice(0, 8)))[0];
      while (!shared) {
        const a = (await agor(['session', 'create', '--worktree', wt.json.worktree_id, '--json'], env)).json.session_id as string;
        const b = (await agor(['session', 'create', '--worktree', wt.json.worktree_id, '--json'], env)).json.session_id as string;
        if (a.slice(0, 8) === b.slice(0, 8)) shared = a;
      }
      const ambiguous = await agor(['session', 'show', shared.slice(0, 8)], env);
      expect(ambiguous.code).toBe(2);
      expect(ambiguous.stderr).toMatch(/matches several sessions: .*give more characters/);
      expect(ambiguous.stderr).not.toMatch(/at .*\.js/);
      const unknown = await agor(['session', 'show', 'ffffffff-0000-7000-8000-000000000000'], env);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/session ffffffff-0000-7000-8000-000000000000 does not exist/);
      const badFork = await agor(['session', 'fork', sid, '--at', '99'], env);
      expect(badFork.code).toBe(1);
      expect(badFork.stderr).toMatch(/fork at an index from 0 to 1/);
      const badConfig = await agor(['config', 'set', 'port', 'abc'], env);
      expect(badConfig.code).toBe(2);
      expect(badConfig.stderr).toMatch(/port must be 1-65535/);
      const mcpConfig = await agor(['mcp', 'config', sid], env);
      expect(mcpConfig.stdout).toMatch(/claude mcp add --transport http agor "http:\/\/127.0.0.1:\d+\/mcp" --header "Authorization: Bearer [0-9a-f]{64}"/);
    } finally {
      const stopped = await agor(['daemon', 'stop', '--json'], env);
      expect(stopped.code, stopped.stderr).toBe(0);
    }
    const down = await agor(['daemon', 'status', '--json'], env);
    expect(down.code).toBe(1);
    const notRunning = await agor(['session', 'list'], env);
    expect(notRunning.code).toBe(1);
    expect(notRunning.stderr).toMatch(/daemon is not running at http:\/\/127.0.0.1:\d+: start it with `agor daemon start`/);
  });
});

const hasDocker = await dockerAvailable();

describe.skipIf(!hasDocker)('agor run --wait from CI, against a daemon that requires auth', () => {
  let t: TestDaemon;
  let env: Record<string, string>;
  let repoPath: string;
  beforeAll(async () => {
    t = await startTestDaemon({ authRequired: true, executorRuntime: 'docker', anthropicBaseUrl: fake.url });
    const admin = await t.api.login(ADMIN.email, ADMIN.password);
    const token = (await admin.ok('POST', '/api-tokens', { name: 'ci' })).token as string;
    env = { AGOR_HOME: mkdtempSync(join(tmpdir(), 'agor-ci-')), AGOR_URL: t.url, AGOR_TOKEN: token };
    repoPath = makeGitRepo();
  });
  afterAll(async () => t?.close());

  it('exits 0 when the task completes and prints the final message; reuses the worktree', async () => {
    const marker = fake.script('ci-ok', [{ text: ['All ', 'tests pass.'] }]);
    const promptFile = join(env.AGOR_HOME, 'prompt.md');
    writeFileSync(promptFile, `check the build ${marker}`);
    const r = await agor(['run', '--repo', repoPath, '--branch', 'ci/check', '--prompt', `@${promptFile}`, '--wait', '--timeout', '2m'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('All tests pass.');
    expect(r.stderr).toContain('All tests pass.');
    const json = await agor(['run', '--repo', repoPath, '--branch', 'ci/check', '--prompt', `again ${marker}`, '--wait', '--json'], env);
    expect(json.code, json.stderr).toBe(0);
    expect(json.json).toMatchObject({ status: 'completed', message: 'All tests pass.', usage: expect.any(Object) });
    expect((await agor(['worktree', 'list', '--json'], env)).json.total).toBe(1);
  });

  it('exits 1 when the model makes the task fail, 124 on timeout, 2 without a token or with bad usage', async () => {
    const boom = fake.script('ci-fail', [{ status: 400 }]);
    const failed = await agor(['run', '--repo', repoPath, '--worktree', 'ci-fail', '--prompt', `break ${boom}`, '--wait'], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/the task failed: .*Claude Code/);
    const hang = fake.script('ci-hang', [{ text: ['thinking'], hang: true }]);
    const slow = await agor(['run', '--repo', repoPath, '--worktree', 'ci-slow', '--prompt', `wait ${hang}`, '--wait', '--timeout', '4s'], env);
    expect(slow.code).toBe(124);
    expect(slow.stderr).toMatch(/timed out after 4s; the task was stopped/);
    const anonymous = await agor(['run', '--repo', repoPath, '--prompt', 'hi', '--wait'], { ...env, AGOR_TOKEN: '' });
    expect(anonymous.code).toBe(2);
    expect(anonymous.stderr).toMatch(/not authenticated .*set AGOR_TOKEN/);
    const badAgent = await agor(['run', '--repo', repoPath, '--prompt', 'hi', '--agent', 'gpt'], env);
    expect(badAgent.code).toBe(2);
    const badTimeout = await agor(['run', '--repo', repoPath, '--prompt', 'hi', '--timeout', 'soon'], env);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toMatch(/not a duration/);
  });
});
