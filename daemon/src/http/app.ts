import { Hono, type Context } from 'hono';
import type { Logger } from 'pino';
import type { Jwt } from '../auth/jwt.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { Actor, Ctx, TaskQueue } from '../core/context.js';
import { DomainError } from '../core/errors.js';
import type { EventHub } from '../realtime/hub.js';
import type { CountCache } from '../services/count-cache.js';
import { userForBearer } from '../services/authentication.js';
import type { Store } from '../store/driver.js';
import type { UserRow } from '../store/schema.js';
import { readJson } from './body.js';
import { actorForMcpToken } from '../mcp/auth.js';
import { handleMcpRequest } from '../mcp/server.js';
import type { Metrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { errorResponder, problem } from './problem.js';
import { serveWeb } from './static.js';
import { resolveId } from './resolve-id.js';
import type { RouteDef } from './routes.js';

export interface HttpDeps {
  config: Config;
  store: Store;
  hub: EventHub;
  clock: Clock;
  log: Logger;
  jwt: Jwt;
  metrics: Metrics;
  localUser: UserRow;
  routes: RouteDef[];
  version: string;
  tasks?: TaskQueue;
  counts?: CountCache;
  /** Liveness details for `/health` (store, isolation, executor image state). */
  health: () => Record<string, unknown>;
}

/** Resolves the caller from `Authorization: Bearer` (JWT or API token), else the anonymous local user when allowed. */
export async function actorFor(deps: HttpDeps, authorization: string | undefined): Promise<Actor> {
  const token = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (token) {
    const found = await userForBearer(deps.store.db, deps.jwt, token, deps.clock.now());
    if (!found) throw new DomainError('UNAUTHENTICATED', 'the bearer token is invalid, expired or revoked');
    return { kind: 'user', user: found.user, via: found.apiTokenId ? 'api-token' : 'jwt', apiTokenId: found.apiTokenId };
  }
  if (authorization) throw new DomainError('UNAUTHENTICATED', 'use Authorization: Bearer <token>');
  if (deps.config.authRequired) throw new DomainError('UNAUTHENTICATED', 'authentication required: log in with POST /authentication or send an API token as Authorization: Bearer agor_…');
  return { kind: 'user', user: deps.localUser, via: 'anonymous' };
}

export function ctxFor(deps: HttpDeps, actor: Actor): Ctx {
  return { actor, store: deps.store, hub: deps.hub, clock: deps.clock, config: deps.config, log: deps.log, tasks: deps.tasks, counts: deps.counts };
}

/** The daemon's HTTP app: every route in `deps.routes`, plus health, metrics and the OpenAPI document. */
export function createHttpApp(deps: HttpDeps): Hono {
  const app = new Hono();
  app.onError(errorResponder(deps.log));
  app.notFound((c) => serveWeb(c) ?? problem(404, `no route ${c.req.method} ${c.req.path}`));
  app.use('*', async (c, next) => {
    const start = performance.now();
    await next();
    deps.metrics.observeRequest(c.req.method, c.res.status, (performance.now() - start) / 1000);
  });

  app.get('/health', (c) => c.json({ status: 'ok', version: deps.version, ...deps.health() }));
  app.get('/metrics', (c) => c.text(deps.metrics.render(), 200, { 'content-type': 'text/plain; version=0.0.4' }));
  const openapi = JSON.stringify(openApiDocument(deps.routes, deps.version));
  app.get('/openapi.json', (c) => c.body(openapi, 200, { 'content-type': 'application/json' }));
  app.get('/health-monitor', async (c) => {
    await actorFor(deps, c.req.header('authorization'));
    const mem = process.memoryUsage();
    return c.json({
      status: 'ok', version: deps.version, uptime_s: Math.round(process.uptime()), store: deps.store.kind,
      auth_required: deps.config.authRequired, memory: { rss: mem.rss, heap_used: mem.heapUsed }, ...deps.health(),
    });
  });

  app.all('/mcp', async (c) => {
    const token = c.req.query('sessionToken') ?? c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    if (!token) throw new DomainError('UNAUTHENTICATED', 'the MCP endpoint needs a token: ?sessionToken=<session MCP token> or Authorization: Bearer <token>');
    const actor = (await actorForMcpToken(deps.store.db, token, deps.clock.now())) ?? (await actorFor(deps, `Bearer ${token}`).catch(() => null));
    if (!actor) throw new DomainError('UNAUTHENTICATED', 'the MCP token is invalid or expired (session MCP tokens renew with the next prompt)');
    return handleMcpRequest(ctxFor(deps, actor), c.req.raw);
  });

  for (const route of deps.routes) {
    app.on(route.method.toUpperCase(), route.path, async (c: Context) => {
      const actor: Actor = route.public ? { kind: 'user', user: deps.localUser, via: 'anonymous' } : await actorFor(deps, c.req.header('authorization'));
      const params: Record<string, string> = { ...c.req.param() };
      if (route.path.endsWith('/*')) params['*'] = decodeURIComponent(c.req.path.slice(route.path.length - 1));
      if (route.id && params.id) params.id = await resolveId(deps.store.db, route.id.table, route.id.column, route.id.what, params.id);
      const body = route.body && (route.method === 'post' || route.method === 'put' || route.method === 'patch') ? await readJson(c) : undefined;
      const result = await route.handler(ctxFor(deps, actor), { params, query: c.req.queries() ?? {}, body });
      return c.json(result as object, (route.status ?? 200) as 200);
    });
  }
  return app;
}
