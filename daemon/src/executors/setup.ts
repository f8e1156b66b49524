import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../core/config.js';
import type { Ctx } from '../core/context.js';
import type { Store } from '../store/driver.js';
import { AuditLog } from './audit.js';
import { IpcServer } from './ipc-server.js';
import { ExecutorPool } from './pool.js';
import { ProcessRuntime } from './process-runtime.js';
import type { ExecutorRuntime } from './runtime.js';
import { TaskScheduler } from './scheduler.js';
import { SessionTokens } from './session-tokens.js';
import { LeaseKeeper } from './leases.js';

export interface Executors {
  scheduler: TaskScheduler | null;
  runtime: ExecutorRuntime | null;
  pool: ExecutorPool | null;
  health(): Record<string, unknown>;
  close(): Promise<void>;
}

/** The IPC socket this daemon's executors connect to: one per daemon, since replicas may share AGOR_HOME. */
export const socketPathFor = (home: string, daemonId: string) => join(home, 'run', daemonId, 'ipc.sock');

/**
 * Chooses the executor runtime (docker, process, or auto: Docker when an engine answers) and starts the IPC
 * server and the scheduler. Without a usable runtime the daemon still serves; tasks wait and /health says why.
 */
export async function startExecutors(o: {
  config: Config; store: Store; log: Logger; daemonId: string; systemCtx: () => Ctx; baseCtx: () => Omit<Ctx, 'actor'>;
  dockerRuntime: (socketPath: string) => Promise<ExecutorRuntime | null>;
  /** A user's own stored key for a provider, preferred over the daemon's. */
  userCredential: (userId: string, provider: 'anthropic' | 'openai' | 'gemini') => Promise<{ apiKey: string; baseUrl: string | null } | null>;
  mcpCall: (binding: { sessionId: string; userId: string }, body: unknown) => Promise<{ status: number; body: unknown }>;
}): Promise<Executors> {
  const { config, log } = o;
  const socketPath = socketPathFor(config.home, o.daemonId);
  let runtime: ExecutorRuntime | null = null;
  let unavailable: string | null = null;
  if (config.executorRuntime !== 'process') runtime = await o.dockerRuntime(socketPath);
  if (!runtime && config.executorRuntime === 'docker') unavailable = 'AGOR_EXECUTOR_RUNTIME=docker but no Docker engine answers; start dockerd';
  if (!runtime && !unavailable) {
    if (config.authRequired) {
      unavailable = 'auth is required, which needs the docker runtime (the process runtime has no isolation); start a Docker engine';
    } else {
      runtime = new ProcessRuntime({ home: config.home, socketPath, log });
      log.warn('executors run as plain processes: isolation none (no Docker engine, or AGOR_EXECUTOR_RUNTIME=process)');
    }
  }
  if (!runtime) {
    log.error({ reason: unavailable }, 'no executor runtime: prompts will wait');
    return { scheduler: null, runtime: null, pool: null, health: () => ({ isolation: 'unavailable', executors: unavailable }), close: async () => {} };
  }
  const tokens = new SessionTokens(o.store.db, o.baseCtx().clock);
  const audit = new AuditLog(o.store.db, log);
  const pool = new ExecutorPool(runtime, { idleMs: config.executorIdleMs, log });
  const scheduler = new TaskScheduler({ pool, tokens, audit, log, daemonId: o.daemonId, systemCtx: o.systemCtx });
  const ipc = new IpcServer({
    socketPath, tokens, audit, log, baseCtx: o.baseCtx,
    hooks: {
      onHello: (binding, peer) => scheduler.onHello(binding, peer),
      requestPermission: (binding, tool, input, signal) => scheduler.requestPermission(binding, tool, input, signal),
      credentials: async (binding, provider) => {
        const own = await o.userCredential(binding.userId, provider);
        const daemon = config.providers[provider];
        return {
          apiKey: own?.apiKey ?? daemon.apiKey ?? null,
          baseUrl: reachableFrom(own ? (own.baseUrl ?? undefined) : daemon.baseUrl, runtime.hostAddress),
        };
      },
      mcpCall: (binding, body) => o.mcpCall(binding, body),
    },
  });
  await ipc.listen();
  const removed = await runtime.reconcile();
  const reconciled = await scheduler.reconcile();
  if (removed || reconciled.failed) log.warn({ containers_removed: removed, ...reconciled }, 'reconciled executors left by a previous run');
  const sweeper = setInterval(() => void tokens.sweepExpired().catch(() => {}), 10 * 60_000);
  sweeper.unref();
  const leases = new LeaseKeeper({
    db: o.store.db, clock: o.baseCtx().clock, log, daemonId: o.daemonId,
    onOrphans: async (taskIds, dead) => {
      await scheduler.failOrphans(taskIds);
      for (const d of dead) await runtime.reconcile(d).catch(() => 0);
    },
  });
  await leases.start();
  return {
    scheduler, runtime, pool,
    health: () => ({ isolation: runtime.isolation, executors: { ...runtime.status(), running_tasks: scheduler.active, pool: pool.snapshot().length } }),
    close: async () => {
      clearInterval(sweeper);
      await leases.stop();
      scheduler.close();
      await ipc.close();
      await pool.close();
      await audit.close();
    },
  };
}

/**
 * A provider base URL as an executor must use it: inside a container `localhost` is the container itself, so a
 * service on the daemon's machine is reached through the executor network's gateway (it must listen there or on 0.0.0.0).
 */
export function reachableFrom(url: string | undefined, hostAddress: string | undefined): string | null {
  if (!url) return null;
  if (!hostAddress) return url;
  const u = new URL(url);
  if (['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) u.hostname = hostAddress;
  return u.toString().replace(/\/$/, '');
}
