import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import pino, { type Logger } from 'pino';
import { Jwt } from './auth/jwt.js';
import { loadDaemonId, loadSecrets } from './auth/secrets.js';
import { type Clock, systemClock } from './core/clock.js';
import type { Config } from './core/config.js';
import { createHttpApp, type HttpDeps } from './http/app.js';
import { Metrics } from './http/metrics.js';
import { restRoutes } from './http/routes.js';
import { EventHub } from './realtime/hub.js';
import { WsServer } from './realtime/ws-server.js';
import { TerminalServer } from './realtime/terminals.js';
import { CountCache } from './services/count-cache.js';
import { userCredential } from './services/credentials.js';
import { mcpOverIpc } from './mcp/ipc-bridge.js';
import { ensureAdmin, ensureLocalUser } from './services/users.js';
import { openStore, type Store } from './store/driver.js';
import { join } from 'node:path';
import { VERSION } from './version.js';
import { startExecutors, type Executors } from './executors/setup.js';
import type { ExecutorRuntime } from './executors/runtime.js';
import { dockerRuntimeIfAvailable } from './executors/docker-runtime.js';

export interface DaemonOptions {
  config: Config;
  clock?: Clock;
  log?: Logger;
  /** Builds the Docker runtime when an engine answers (null otherwise). */
  dockerRuntime?: (socketPath: string) => Promise<ExecutorRuntime | null>;
}

/** A running daemon; `close()` stops accepting work and releases the store. */
export interface Daemon extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  readonly hub: EventHub;
  readonly deps: HttpDeps;
  readonly ws: WsServer;
  readonly executors: Executors;
  close(): Promise<void>;
}

/** Opens the store (migrating it), then serves HTTP on the configured host and port. */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? pino({ level: config.logLevel, base: { daemon: config.daemonId } });
  const secrets = loadSecrets(config.home, config.jwtSecret);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: join(config.home, 'db') });
  const daemonId = loadDaemonId(config.home, config.daemonId);
  const hub = new EventHub(store, daemonId, log);
  await hub.start();
  const localUser = await ensureLocalUser(store.db);
  if (config.authRequired) {
    const admin = await ensureAdmin(store.db, config.adminEmail, config.adminPassword);
    if (admin.password) log.warn({ email: admin.email, password: admin.password }, 'created the admin account; log in with it and change the password');
  }
  const jwt = new Jwt(secrets.jwtSecret);
  const metrics = new Metrics();
  const counts = new CountCache();
  counts.attach(hub);
  const baseCtx = () => ({ store, hub, clock, config, log, counts, tasks: executors?.scheduler ?? undefined });
  let executors: Executors | null = null;
  executors = await startExecutors({
    config, store, log, daemonId, baseCtx, systemCtx: () => ({ ...baseCtx(), actor: { kind: 'system' } }),
    userCredential: (userId, provider) => userCredential(store.db, secrets.encryptionKey, userId, provider),
    dockerRuntime: options.dockerRuntime ?? ((socketPath) => dockerRuntimeIfAvailable({ image: config.executorImage, socketPath, daemonId, log })),
    mcpCall: (binding, body) => mcpOverIpc({ ...baseCtx(), actor: { kind: 'system' } }, binding, body),
  });
  const deps: HttpDeps = {
    config, store, hub, clock, log, jwt, metrics, localUser, counts, version: VERSION, routes: restRoutes(jwt, secrets.encryptionKey),
    tasks: executors.scheduler ?? undefined,
    health: () => ({ store: store.kind, daemon_id: daemonId, ...executors?.health() }),
  };
  const ws = new WsServer({ hub, store, jwt, clock, log, authRequired: config.authRequired, localUser, pingIntervalMs: config.wsPingMs });
  metrics.gauge('agor_ws_clients', () => ws.size);
  metrics.gauge('agor_ws_slow_disconnects_total', () => ws.slowDisconnects);
  const app = createHttpApp(deps);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  ws.attach(server as Server);
  const terminals = new TerminalServer({ store, jwt, clock, log, pool: executors.pool, authRequired: config.authRequired, localUser });
  terminals.attach(server as Server);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info({ url, store: store.kind, auth_required: config.authRequired }, 'agor daemon listening');

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    terminals.close();
    await ws.close();
    await executors?.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
    await hub.stop();
    await store.close();
  };
  return { url, port, store, hub, deps, ws, executors, close, [Symbol.asyncDispose]: close };
}
