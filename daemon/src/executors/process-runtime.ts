import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { ExecutorRuntime, ExecutorSpec, RunningExecutor } from './runtime.js';

/** The executor program, built from executor-image/src. */
export const EXECUTOR_MAIN = fileURLToPath(new URL('../../../executor-image/dist/main.js', import.meta.url));

/**
 * Executors as plain child processes: for one user on a machine without Docker. No isolation: agent code runs
 * with the daemon's rights. Refused when auth is required; /health reports `isolation: none`.
 */
export class ProcessRuntime implements ExecutorRuntime {
  readonly kind = 'process' as const;
  readonly isolation = 'none' as const;

  constructor(private readonly o: { home: string; socketPath: string; log: Logger }) {}

  async start(spec: ExecutorSpec): Promise<RunningExecutor> {
    const id = `agor-proc-${spec.userId.slice(0, 8)}-${randomUUID().slice(0, 8)}`;
    const home = join(this.o.home, 'executors', spec.userId, 'home');
    mkdirSync(home, { recursive: true });
    // A clean environment: nothing of the daemon's (database URL, keys) reaches the executor.
    const child = spawn(process.execPath, [EXECUTOR_MAIN], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, AGOR_IPC_SOCKET: this.o.socketPath, AGOR_EXECUTOR_ID: id, LANG: 'C.UTF-8' },
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exited with code ${code}`));
      child.once('error', (err) => resolve(err.message));
    });
    child.stdin.on('error', () => {});
    return {
      id, userId: spec.userId, worktrees: new Set(spec.worktrees), exited,
      launch: (token) => { child.stdin.write(`${JSON.stringify({ sessionToken: token })}\n`); },
      stop: async () => {
        child.stdin.end();
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        child.kill('SIGKILL');
      },
    };
  }

  async reconcile(): Promise<number> {
    return 0; // Child processes die with the daemon that started them.
  }

  status(): Record<string, unknown> {
    return { runtime: 'process', isolation: 'none' };
  }
}
