import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, lstatSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import type { Logger } from 'pino';
import { LABELS, type ExecutorRuntime, type ExecutorSpec, type RunningExecutor, type TerminalStream } from './runtime.js';

/** The uid executor containers run as; worktrees they write to are handed to it. */
export const EXECUTOR_UID = 1000;
export const EXECUTOR_NETWORK = 'agor-executors';
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface DockerRuntimeOptions {
  docker: Docker;
  image: string;
  socketPath: string;
  daemonId: string;
  log: Logger;
  memoryBytes?: number;
  pidsLimit?: number;
  nanoCpus?: number;
}

/** Returns a Docker runtime when an engine answers, else null. */
export async function dockerRuntimeIfAvailable(o: Omit<DockerRuntimeOptions, 'docker'>): Promise<DockerRuntime | null> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch {
    return null;
  }
  const runtime = new DockerRuntime({ ...o, docker });
  await runtime.ensureNetwork();
  return runtime;
}

/**
 * Executors as hardened containers, one pool per user: non-root, read-only root, no capabilities, no new
 * privileges, pids/memory/CPU limits, only that user's worktrees, a per-user home volume and the IPC socket.
 * The network reaches model providers (through its gateway) and nothing of the daemon's but that socket.
 */
export class DockerRuntime implements ExecutorRuntime {
  readonly kind = 'docker' as const;
  readonly isolation = 'container' as const;
  /** How containers reach services on the daemon's machine (the network gateway). */
  hostAddress = '172.17.0.1';
  private image: { state: 'unknown' | 'present' | 'building' | 'failed'; progress?: string; error?: string } = { state: 'unknown' };
  private building: Promise<void> | null = null;

  constructor(private readonly o: DockerRuntimeOptions) {}

  async ensureNetwork(): Promise<void> {
    const existing = (await this.o.docker.listNetworks({ filters: { name: [EXECUTOR_NETWORK] } })).find((n) => n.Name === EXECUTOR_NETWORK);
    const network = existing
      ? await this.o.docker.getNetwork(existing.Id).inspect()
      : await (await this.o.docker.createNetwork({ Name: EXECUTOR_NETWORK, Driver: 'bridge', Labels: { [LABELS.managed]: 'true' } })).inspect();
    const gateway = (network as { IPAM?: { Config?: Array<{ Gateway?: string }> } }).IPAM?.Config?.[0]?.Gateway;
    if (gateway) this.hostAddress = gateway;
  }

  /** Builds the executor image when it is missing (progress in the log and /health). */
  async ensureImage(): Promise<void> {
    if (this.image.state === 'present') return;
    try {
      await this.o.docker.getImage(this.o.image).inspect();
      this.image = { state: 'present' };
      return;
    } catch {
      // missing: build it below
    }
    this.building ??= this.build().finally(() => { this.building = null; });
    await this.building;
  }

  private async build(): Promise<void> {
    this.image = { state: 'building', progress: 'starting' };
    this.o.log.warn({ image: this.o.image }, 'the executor image is missing: building it (about 20 s)');
    const src = ['package.json', 'package-lock.json', 'tsconfig.base.json', 'cli/package.json', 'web/package.json',
      ...listFiles('daemon', ['dist', 'node_modules']), ...listFiles('executor-image', ['dist', 'node_modules'])];
    if (!existsSync(join(REPO_ROOT, 'executor-image/Dockerfile'))) {
      this.image = { state: 'failed', error: `no executor-image/Dockerfile under ${REPO_ROOT}: build the image with deploy/build-executor-image.sh` };
      throw new Error(this.image.error);
    }
    try {
      const stream = await this.o.docker.buildImage({ context: REPO_ROOT, src }, { t: this.o.image, dockerfile: 'executor-image/Dockerfile' });
      await new Promise<void>((resolve, reject) => this.o.docker.modem.followProgress(stream, (err, out) => {
        const failed = (out as Array<{ error?: string }> | undefined)?.find((e) => e.error);
        if (err || failed) reject(err ?? new Error(failed?.error)); else resolve();
      }, (event: { stream?: string }) => {
        const line = event.stream?.trim();
        if (line?.startsWith('Step ')) {
          this.image.progress = line;
          this.o.log.info({ image: this.o.image }, line);
        }
      }));
      this.image = { state: 'present' };
      this.o.log.info({ image: this.o.image }, 'executor image built');
    } catch (err) {
      this.image = { state: 'failed', error: (err as Error).message };
      throw new Error(`building the executor image failed: ${(err as Error).message}`);
    }
  }

  async start(spec: ExecutorSpec): Promise<RunningExecutor> {
    await this.ensureImage();
    for (const w of spec.worktrees) handOver(w);
    const name = `agor-exec-${spec.userId.slice(0, 8)}-${randomBytes(3).toString('hex')}`;
    const container = await this.o.docker.createContainer({
      name,
      Image: this.o.image,
      User: `${EXECUTOR_UID}:${EXECUTOR_UID}`,
      Env: ['HOME=/home/agor', 'AGOR_IPC_SOCKET=/run/agor/ipc.sock', `AGOR_EXECUTOR_ID=${name}`],
      Labels: { [LABELS.managed]: 'true', [LABELS.userId]: spec.userId, [LABELS.daemonId]: this.o.daemonId },
      OpenStdin: true, StdinOnce: false, AttachStdin: true, Tty: false,
      HostConfig: {
        Binds: [
          `${this.o.socketPath}:/run/agor/ipc.sock`,
          `agor-home-${spec.userId}:/home/agor`,
          ...spec.worktrees.map((w) => `${w}:${w}`),
        ],
        ReadonlyRootfs: true,
        Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=512m' },
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        PidsLimit: this.o.pidsLimit ?? 512,
        Memory: this.o.memoryBytes ?? 2 * 1024 ** 3,
        NanoCpus: this.o.nanoCpus ?? 2e9,
        NetworkMode: EXECUTOR_NETWORK,
        Init: true,
      },
    });
    const stdin = await container.attach({ stream: true, stdin: true, stdout: false, stderr: false, hijack: true });
    await container.start();
    const exited = container.wait().then(
      (r: { StatusCode: number }) => `container ${name} exited with code ${r.StatusCode}${r.StatusCode === 137 ? ' (killed)' : ''}`,
      (err: Error) => `container ${name} is gone: ${err.message}`,
    );
    void exited.then(() => container.remove({ force: true }).catch(() => {}));
    this.o.log.info({ container: name, user: spec.userId, worktrees: spec.worktrees }, 'executor container started');
    return {
      id: name, userId: spec.userId, worktrees: new Set(spec.worktrees), exited,
      launch: (token) => { stdin.write(`${JSON.stringify({ sessionToken: token })}\n`); },
      stop: async () => {
        stdin.end();
        await container.stop({ t: 2 }).catch(() => {});
        await container.remove({ force: true }).catch(() => {});
      },
    };
  }

  /** `docker exec` of a login shell with a TTY in the user's own container, as the executor uid. */
  async openTerminal(executor: RunningExecutor, cwd: string): Promise<TerminalStream> {
    const exec = await this.o.docker.getContainer(executor.id).exec({
      Cmd: ['/bin/bash', '-l'], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true, WorkingDir: cwd,
      User: `${EXECUTOR_UID}:${EXECUTOR_UID}`, Env: ['TERM=xterm-256color', 'HOME=/home/agor'],
    });
    const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
    return { stream, resize: async (cols, rows) => { await exec.resize({ w: cols, h: rows }).catch(() => {}); } };
  }

  /** Containers a previous run of this daemon left behind: their connections died with it, so they go. */
  async reconcile(daemonId = this.o.daemonId): Promise<number> {
    const orphans = await this.o.docker.listContainers({
      all: true, filters: { label: [`${LABELS.managed}=true`, `${LABELS.daemonId}=${daemonId}`] },
    });
    await Promise.all(orphans.map((c) => this.o.docker.getContainer(c.Id).remove({ force: true }).catch(() => {})));
    return orphans.length;
  }

  status(): Record<string, unknown> {
    return { runtime: 'docker', image: this.o.image, image_state: this.image.state, ...(this.image.progress ? { image_progress: this.image.progress } : {}), ...(this.image.error ? { image_error: this.image.error } : {}) };
  }
}

/** Gives a worktree to the executor uid so the agent can write in it (the daemon, as root, can still read it). */
function handOver(dir: string): void {
  if (process.getuid?.() !== 0) return;
  const walk = (p: string) => {
    const st = lstatSync(p);
    if (st.uid !== EXECUTOR_UID) chownSync(p, EXECUTOR_UID, EXECUTOR_UID);
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
  };
  walk(dir);
}

/** Files under `dir` (relative to the repository), skipping folders named in `skip`: the image's build context. */
function listFiles(dir: string, skip: string[] = []): string[] {
  const abs = join(REPO_ROOT, dir);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  const walk = (p: string) => {
    for (const e of readdirSync(p, { withFileTypes: true })) {
      const full = join(p, e.name);
      if (e.isDirectory()) { if (!skip.includes(e.name)) walk(full); }
      else out.push(relative(REPO_ROOT, full));
    }
  };
  walk(abs);
  return out;
}
