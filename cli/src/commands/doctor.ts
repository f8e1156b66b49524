import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { defineCommand } from 'citty';
import { daemonUrl } from '../home.js';
import { jsonArg, print } from '../output.js';

interface Check { check: string; ok: boolean; detail: string; fix?: string }

/** GET on the Docker engine's Unix socket. */
function docker(path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ socketPath: process.env.DOCKER_HOST?.replace('unix://', '') ?? '/var/run/docker.sock', path, method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => { req.destroy(); resolve(0); });
    req.end();
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export default defineCommand({
  meta: { name: 'doctor', description: 'Check the Docker engine, images, database, git and ports, and say how to fix each' },
  args: { ...jsonArg },
  async run({ args }) {
    const checks: Check[] = [];
    const url = daemonUrl();
    const engine = await docker('/_ping');
    checks.push(engine === 200
      ? { check: 'docker engine', ok: true, detail: 'answers' }
      : { check: 'docker engine', ok: false, detail: 'no engine answers on /var/run/docker.sock', fix: 'install docker.io and start dockerd (deploy/ensure-docker.sh); without it executors run unisolated (single user only)' });
    if (engine === 200) {
      for (const image of ['node:22-bookworm-slim', `agor-executor:${process.env.AGOR_EXECUTOR_IMAGE?.split(':')[1] ?? '0.1.0'}`]) {
        const found = (await docker(`/images/${encodeURIComponent(image)}/json`)) === 200;
        checks.push({ check: `image ${image}`, ok: found, detail: found ? 'present' : 'missing', ...(found ? {} : { fix: 'run deploy/build-executor-image.sh (builds the base image offline first); the daemon also builds it on first use' }) });
      }
    }
    const git = await promisify(execFile)('git', ['--version']).then((r) => r.stdout.trim(), () => null);
    checks.push(git ? { check: 'git', ok: true, detail: git } : { check: 'git', ok: false, detail: 'not found', fix: 'apt-get install git' });
    const health = await fetch(`${url}/health`).then((r) => r.json() as Promise<Record<string, unknown>>, () => null);
    if (health) {
      checks.push({ check: 'daemon', ok: true, detail: `healthy at ${url}` });
      checks.push({ check: 'database', ok: true, detail: `${health.store} (migrated)` });
      checks.push({ check: 'isolation', ok: health.isolation === 'container', detail: String(health.isolation), ...(health.isolation === 'container' ? {} : { fix: 'start a Docker engine so executors run in containers' }) });
    } else {
      const port = Number(new URL(url).port || 80);
      const free = await portFree(port);
      checks.push({ check: 'daemon', ok: false, detail: `not answering at ${url}`, fix: 'agor daemon start' });
      checks.push({ check: `port ${port}`, ok: free, detail: free ? 'free' : 'in use by another program', ...(free ? {} : { fix: `free the port or run \`agor config set port <n>\`` }) });
    }
    print(checks, args.json, [['CHECK', (c: Check) => c.check], ['OK', (c: Check) => (c.ok ? 'ok' : 'FAIL')], ['DETAIL', (c: Check) => c.detail], ['FIX', (c: Check) => c.fix]]);
    if (checks.some((c) => !c.ok)) process.exitCode = 1;
  },
});
