import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../support/daemon.js';
import { docker, dockerAvailable } from '../support/docker.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { freePort } from '../support/postgres-cluster.js';
import { WsClient } from '../support/ws-client.js';

const hasCompose = (await dockerAvailable()) && (() => {
  try {
    execFileSync('docker-compose', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) throw new Error('docker-compose is required under CI (.ci/run installs it)');
    console.warn('[agor tests] docker-compose not found: compose tests are skipped');
    return false;
  }
})();

const ROOT = process.cwd();

describe.skipIf(!hasCompose)('the compose stack (daemon + PostgreSQL + executors), from local images', () => {
  let fake: FakeAnthropic;
  let env: Record<string, string>;
  const compose = (...args: string[]) => execFileSync('docker-compose', ['-f', 'compose.yaml', '-f', 'deploy/compose.offline.yaml', ...args], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 600_000,
  });
  const api = (port: string) => new Api(() => `http://127.0.0.1:${port}`);
  async function healthy(port: string): Promise<void> {
    for (let i = 0; i < 240; i++) {
      if (await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false)) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`the daemon on :${port} never became healthy:\n${compose('logs', '--tail', '40')}`);
  }
  async function waitTask(a: Api, id: string, ms = 90_000): Promise<any> {
    const start = Date.now();
    for (;;) {
      const t = await a.ok('GET', `/tasks/${id}`);
      if (['completed', 'failed', 'stopped'].includes(t.status) || Date.now() - start > ms) return t;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  function gitRepo(home: string): string {
    const dir = join(home, 'src', 'app');
    execFileSync('sh', ['-c', `mkdir -p ${dir} && cd ${dir} && git init -q -b main && echo '# app' > README.md && git add . && git -c user.email=t@t -c user.name=t commit -qm init && chown -R 1000:1000 ${home}`]);
    return dir;
  }

  beforeAll(async () => {
    fake = await new FakeAnthropic().start();
    // The host as containers see it: the default bridge's gateway (not always listed; then the subnet's first address).
    const ipam = JSON.parse(docker('network', 'inspect', 'bridge').out)[0].IPAM.Config[0] as { Gateway?: string; Subnet: string };
    const gateway = ipam.Gateway ?? ipam.Subnet.replace(/\.0\/\d+$/, '.1');
    const home = mkdtempSync('/tmp/agor-compose-');
    chownSync(home, 1000, 1000);
    env = {
      COMPOSE_PROJECT_NAME: `agortest${Date.now() % 100000}`, AGOR_HOME: home, DOCKER_GID: String(Number(execFileSync('stat', ['-c', '%g', '/var/run/docker.sock'], { encoding: 'utf8' }))),
      AGOR_PORT: String(await freePort()), AGOR_PORT_2: String(await freePort()), AGOR_HA_PORT: String(await freePort()),
      AGOR_ADMIN_EMAIL: 'admin@compose.test', AGOR_ADMIN_PASSWORD: 'compose-admin-pw', ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: `http://${gateway}:${fake.port}`,
    };
    compose('build');
  }, 900_000);
  afterAll(async () => {
    try { compose('--profile', 'ha', 'down', '-v', '--remove-orphans'); } catch { /* already down */ }
    docker('rm', '-f', ...docker('ps', '-aq', '--filter', 'label=agor.managed=true', '--filter', `label=agor.daemon-id=replica-1`).out.split('\n').filter(Boolean));
    await fake?.[Symbol.asyncDispose]();
  });

  it('runs a prompt end to end, keeps executors off the database network, and keeps everything across down/up', async () => {
    compose('up', '-d');
    await healthy(env.AGOR_PORT!);
    const anon = api(env.AGOR_PORT!);
    expect((await anon.get('/sessions')).status).toBe(401);
    const admin = await anon.login('admin@compose.test', 'compose-admin-pw');
    await admin.ok('POST', '/users', { email: 'alice@compose.test', password: 'alice-password', name: 'Alice' });
    const alice = await anon.login('alice@compose.test', 'alice-password');
    const aliceId = (await alice.ok('GET', '/users/me')).user_id;
    const repo = await alice.ok('POST', '/repos', { path: gitRepo(env.AGOR_HOME!) });
    const wt = await alice.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'feature' });
    const session = await alice.ok('POST', '/sessions', { worktree_id: wt.worktree_id, title: 'compose' });
    const marker = fake.script('compose-write', [
      { text: 'Writing.', tool: { name: 'Write', input: { file_path: join(wt.path, 'from-compose.txt'), content: 'hello from the stack\n' } } },
      { text: 'Done.' },
    ]);
    const task = await alice.ok('POST', `/sessions/${session.session_id}/prompt`, { prompt: `write ${marker}` });
    const done = await waitTask(alice, task.task_id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('completed');
    expect(readFileSync(join(wt.path, 'from-compose.txt'), 'utf8')).toBe('hello from the stack\n');

    const [executor] = docker('ps', '-q', '--filter', `label=agor.user-id=${aliceId}`).out.split('\n').filter(Boolean);
    expect(executor).toBeTruthy();
    const resolve = docker('exec', executor!, 'getent', 'hosts', 'postgres');
    expect(resolve.ok).toBe(false);
    const connect = docker('exec', executor!, 'node', '-e', "require('net').connect(5432,'postgres').on('connect',()=>{console.log('CONNECTED');process.exit(0)}).on('error',e=>{console.log(e.code);process.exit(1)})");
    expect(connect.ok).toBe(false);
    expect(connect.out).toMatch(/ENOTFOUND|EAI_AGAIN/);

    compose('down');
    compose('up', '-d');
    await healthy(env.AGOR_PORT!);
    const again = await anon.login('alice@compose.test', 'alice-password');
    expect((await again.ok('GET', `/sessions/${session.session_id}`)).title).toBe('compose');
    expect((await again.ok('GET', `/messages?session_id=${session.session_id}`)).total).toBeGreaterThanOrEqual(4);
    expect((await again.ok('GET', `/tasks/${task.task_id}`)).status).toBe('completed');
    expect(existsSync(join(wt.path, 'from-compose.txt'))).toBe(true);
  }, 600_000);

  it('ha profile: events cross replicas, and killing a replica mid-task fails its task with a reason within 30 s', async () => {
    compose('--profile', 'ha', 'up', '-d');
    await healthy(env.AGOR_PORT!);
    await healthy(env.AGOR_PORT_2!);
    await healthy(env.AGOR_HA_PORT!);
    const one = await api(env.AGOR_PORT!).login('alice@compose.test', 'alice-password');
    const two = one.token ? new Api(() => `http://127.0.0.1:${env.AGOR_PORT_2}`, one.token) : one;
    const ws = await WsClient.connect(`http://127.0.0.1:${env.AGOR_PORT}`, { token: one.token });
    try {
      await ws.subscribe('*');
      const wt = (await two.ok('GET', '/worktrees')).data[0];
      const created = await two.ok('POST', '/sessions', { worktree_id: wt.worktree_id, title: 'made on replica 2' });
      const seen = await ws.next((f) => f.service === 'sessions' && f.event === 'created' && f.data.session_id === created.session_id, 'the session from replica 2', 10_000);
      expect(seen.data.title).toBe('made on replica 2');
      const viaProxy = new Api(() => `http://127.0.0.1:${env.AGOR_HA_PORT}`, one.token);
      expect((await viaProxy.ok('GET', `/sessions/${created.session_id}`)).title).toBe('made on replica 2');

      const hang = fake.script('compose-hang', [{ text: ['long job'], hang: true }]);
      const task = await one.ok('POST', `/sessions/${created.session_id}/prompt`, { prompt: `go ${hang}` });
      for (let i = 0; i < 240 && (await two.ok('GET', `/tasks/${task.task_id}`)).status !== 'running'; i++) await new Promise((r) => setTimeout(r, 250));
      docker('kill', `${env.COMPOSE_PROJECT_NAME}_daemon_1`);
      const start = Date.now();
      const end = await waitTask(two, task.task_id, 30_000);
      expect(end.status).toBe('failed');
      expect(end.error).toMatch(/replica running this task stopped/);
      expect(Date.now() - start).toBeLessThan(30_000);
    } finally {
      ws.close();
    }
  }, 600_000);
});
