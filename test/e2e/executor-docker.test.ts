import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestDaemon, storeKinds, type Api, type TestDaemon } from '../support/daemon.js';
import { docker, dockerAvailable, executorContainers } from '../support/docker.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { makeGitRepo } from '../support/git-repo.js';
import { WsClient } from '../support/ws-client.js';

const hasDocker = await dockerAvailable();

describe.skipIf(!hasDocker)('executors in Docker containers', () => {
  let fake: FakeAnthropic;
  let t: TestDaemon;
  let alice: Api;
  let bob: Api;
  let aliceId: string;
  const ws: WsClient[] = [];

  async function workspace(api: Api, name: string) {
    const repo = await api.ok('POST', '/repos', { path: makeGitRepo(), name });
    const wt = await api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'main-work' });
    const session = await api.ok('POST', '/sessions', { worktree_id: wt.worktree_id, title: `${name} session` });
    return { wt, session };
  }
  const finished = (c: WsClient, taskId: string) =>
    c.next((f) => f.service === 'tasks' && f.data.task_id === taskId && ['completed', 'failed', 'stopped'].includes(f.data.status), `task ${taskId} to finish`, 90_000);

  beforeAll(async () => {
    fake = await new FakeAnthropic().start();
    t = await startTestDaemon({ store: storeKinds().includes('postgres') ? 'postgres' : 'pglite', authRequired: true, executorRuntime: 'docker', anthropicBaseUrl: fake.url });
    const admin = await t.api.login(ADMIN.email, ADMIN.password);
    aliceId = (await admin.ok('POST', '/users', { email: 'alice@docker.test', password: 'alice-password', name: 'Alice' })).user_id;
    await admin.ok('POST', '/users', { email: 'bob@docker.test', password: 'bob-password', name: 'Bob' });
    alice = await t.api.login('alice@docker.test', 'alice-password');
    bob = await t.api.login('bob@docker.test', 'bob-password');
  });
  afterAll(async () => {
    for (const c of ws) c.close();
    await t?.close();
    await fake?.[Symbol.asyncDispose]();
  });

  it('runs the real Claude Code agent in alice’s container: it writes her file, streams, records usage, resumes', async () => {
    const a = await workspace(alice, 'alice-repo');
    const b = await workspace(bob, 'bob-repo');
    const c = await WsClient.connect(t.url, { token: alice.token });
    ws.push(c);
    await c.subscribe(`sessions/${a.session.session_id}`);
    const marker = fake.script('docker-write', [
      { text: ['Writing ', 'the file.'], tool: { name: 'Write', input: { file_path: join(a.wt.path, 'from-container.txt'), content: 'written inside the executor\n' } } },
      { text: ['All ', 'done.'] },
    ]);
    const task = await alice.ok('POST', `/sessions/${a.session.session_id}/prompt`, { prompt: `write it ${marker}` });
    const done = await finished(c, task.task_id);
    expect(done.data.error).toBeNull();
    expect(done.data.status).toBe('completed');
    expect(readFileSync(join(a.wt.path, 'from-container.txt'), 'utf8')).toBe('written inside the executor\n');
    const messages = (await alice.ok('GET', `/messages?session_id=${a.session.session_id}`)).data;
    expect(messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'assistant', 'tool', 'assistant']);
    expect(c.frames.filter((f) => f.type === 'stream').map((f) => f.delta).join('')).toBe('Writing the file.All done.');
    const stored = await alice.ok('GET', `/tasks/${task.task_id}`);
    expect(stored.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect(stored.usage.output_tokens).toBeGreaterThan(0);
    const sdkSession = (await alice.ok('GET', `/sessions/${a.session.session_id}`)).sdk_session_id;
    expect(sdkSession).toBeTruthy();

    const again = fake.script('docker-again', [{ text: 'Resumed.' }]);
    const before = fake.requests.length;
    const task2 = await alice.ok('POST', `/sessions/${a.session.session_id}/prompt`, { prompt: `again ${again}` });
    expect((await finished(c, task2.task_id)).data.status).toBe('completed');
    const req = fake.requests.slice(before).find((r) => r.path.startsWith('/v1/messages'))!;
    expect(req.headers['x-claude-code-session-id']).toBe(sdkSession);
    expect(JSON.stringify(req.body.messages)).toContain('All done.');

    // Isolation, asserted from inside alice's warm container.
    const [container] = executorContainers(aliceId);
    expect(container, 'alice has a running executor container').toBeTruthy();
    const exec = (...cmd: string[]) => docker('exec', container as string, ...cmd);
    expect(exec('ls', join(a.wt.path, 'from-container.txt')).ok).toBe(true);
    const peek = exec('ls', b.wt.path);
    expect(peek.ok).toBe(false);
    expect(peek.out).toMatch(/No such file or directory/);
    expect(exec('cat', join(b.wt.path, 'README.md')).ok).toBe(false);
    expect(exec('id', '-u').out.trim()).toBe('1000');
    const write = exec('touch', '/usr/local/owned');
    expect(write.ok).toBe(false);
    expect(write.out).toMatch(/Read-only file system/);
    const inspect = JSON.parse(docker('inspect', container as string).out)[0];
    expect(inspect.HostConfig.ReadonlyRootfs).toBe(true);
    expect(inspect.HostConfig.CapDrop).toEqual(['ALL']);
    expect(inspect.HostConfig.SecurityOpt).toContain('no-new-privileges');
    expect(inspect.HostConfig.PidsLimit).toBeGreaterThan(0);
    expect(inspect.HostConfig.Memory).toBeGreaterThan(0);
    const env = [JSON.stringify(inspect.Config.Env), exec('cat', '/proc/1/environ').out, exec('sh', '-c', 'cat /proc/[0-9]*/environ 2>/dev/null').out].join('\n');
    for (const secret of ['DATABASE_URL', 'postgres://', 'ANTHROPIC_API_KEY', 'test-anthropic-key', 'AGOR_JWT_SECRET']) expect(env).not.toContain(secret);
    if (t.databaseUrl) {
      const { hostname, port } = new URL(t.databaseUrl);
      const gateway = inspect.NetworkSettings.Networks['agor-executors'].Gateway as string;
      for (const host of [hostname, gateway, '172.17.0.1']) {
        const probe = exec('node', '-e', `const s=require('net').connect(${port},'${host}');s.on('connect',()=>{console.log('CONNECTED');process.exit(0)});s.on('error',e=>{console.log(e.code);process.exit(1)});setTimeout(()=>{console.log('TIMEOUT');process.exit(1)},2000)`);
        expect(probe.out, `TCP ${host}:${port} from the container`).not.toContain('CONNECTED');
        expect(probe.ok).toBe(false);
      }
    }
  });

  it('fails a task within 2 s when its container is killed, and the next prompt gets a fresh container', async () => {
    const a = await workspace(alice, 'alice-kill');
    const c = await WsClient.connect(t.url, { token: alice.token });
    ws.push(c);
    await c.subscribe(`sessions/${a.session.session_id}`);
    const hang = fake.script('docker-hang', [{ text: ['working…'], hang: true }]);
    const task = await alice.ok('POST', `/sessions/${a.session.session_id}/prompt`, { prompt: `hang ${hang}` });
    await c.next((f) => f.type === 'stream', 'the first delta', 60_000);
    const containers = executorContainers(aliceId);
    const victim = JSON.parse(docker('inspect', ...containers).out)
      .find((i: { Mounts: Array<{ Destination: string }> }) => i.Mounts.some((m) => m.Destination === a.wt.path)).Id as string;
    const start = Date.now();
    expect(docker('kill', victim).ok).toBe(true);
    const done = await finished(c, task.task_id);
    expect(Date.now() - start).toBeLessThan(2000);
    expect(done.data.status).toBe('failed');
    expect(done.data.error).toMatch(/executor stopped unexpectedly/);
    const next = fake.script('docker-after-kill', [{ text: 'Back.' }]);
    const task2 = await alice.ok('POST', `/sessions/${a.session.session_id}/prompt`, { prompt: `again ${next}` });
    expect((await finished(c, task2.task_id)).data.status).toBe('completed');
    expect(executorContainers(aliceId)).not.toContain(victim.slice(0, 12));
  });

  it('lets the agent orchestrate Agor through its MCP server, bridged over the socket', async () => {
    const a = await workspace(alice, 'alice-mcp');
    const c = await WsClient.connect(t.url, { token: alice.token });
    ws.push(c);
    await c.subscribe('*');
    const child = fake.script('e2e-child', [{ text: 'child done' }]);
    const marker = fake.script('e2e-orchestrate', [
      { tool: { name: 'mcp__agor__agor_sessions_get_current', input: {} } },
      { tool: { name: 'mcp__agor__agor_sessions_spawn', input: { prompt: `handle the subtask ${child}`, title: 'spawned by the agent' } } },
      { text: 'Delegated.' },
    ]);
    const task = await alice.ok('POST', `/sessions/${a.session.session_id}/prompt`, { prompt: `orchestrate ${marker}` });
    expect((await finished(c, task.task_id)).data.status).toBe('completed');
    const offered = fake.requests.find((r) => JSON.stringify(r.body.messages ?? []).includes('[script:e2e-orchestrate]'))!;
    expect(offered.body.tools.map((tool: { name: string }) => tool.name)).toEqual(expect.arrayContaining(['mcp__agor__agor_sessions_get_current', 'mcp__agor__agor_sessions_spawn']));
    const results = (await alice.ok('GET', `/messages?session_id=${a.session.session_id}`)).data.filter((m: { role: string }) => m.role === 'tool');
    expect(JSON.stringify(results[0].content)).toContain(a.session.session_id);
    const created = await c.next((f) => f.service === 'sessions' && f.event === 'created' && f.data.parent_session_id === a.session.session_id, 'the spawned session over WS');
    expect(created.data.title).toBe('spawned by the agent');
    const listed = await alice.ok('GET', `/sessions?parent_session_id=${a.session.session_id}`);
    expect(listed.data.map((s: { session_id: string }) => s.session_id)).toEqual([created.data.session_id]);
    const genealogy = await alice.ok('GET', `/sessions/${a.session.session_id}/genealogy`);
    expect(genealogy.descendants).toEqual([expect.objectContaining({ session_id: created.data.session_id, relation: 'spawn' })]);
    const childTask = (await alice.ok('GET', `/tasks?session_id=${created.data.session_id}`)).data[0];
    expect((await finished(c, childTask.task_id)).data.status).toBe('completed');
  });
});
