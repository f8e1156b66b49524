import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import pino from 'pino';
import { inject } from 'vitest';
import { startDaemon, type Daemon, type DaemonOptions } from '../../daemon/src/daemon.js';
import type { Clock } from '../../daemon/src/core/clock.js';
import { withBindRules, Config } from '../../daemon/src/core/config.js';

export type StoreKind = 'pglite' | 'postgres';

/** The store kinds this run can test: PGlite always, PostgreSQL when the global setup found or started one. */
export function storeKinds(): StoreKind[] {
  return inject('postgresUrl') ? ['pglite', 'postgres'] : ['pglite'];
}

/** A fresh, empty database in the test cluster. */
export async function freshDatabase(): Promise<string> {
  const base = inject('postgresUrl');
  const name = `agor_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return base.replace(/\/[^/]*$/, `/${name}`);
}

export interface TestDaemon extends AsyncDisposable {
  daemon: Daemon;
  url: string;
  home: string;
  databaseUrl?: string;
  /** Restarts the daemon on the same home and database. */
  restart(): Promise<void>;
  close(): Promise<void>;
  api: Api;
}

export interface TestDaemonOptions {
  store?: StoreKind;
  authRequired?: boolean;
  clock?: Clock;
  home?: string;
  databaseUrl?: string;
  executorRuntime?: 'docker' | 'process' | 'auto';
  /** Anthropic endpoint the executors' agents should use (the fake model server). */
  anthropicBaseUrl?: string;
  openaiBaseUrl?: string;
  geminiBaseUrl?: string;
  dockerRuntime?: DaemonOptions['dockerRuntime'];
  executorIdleMs?: number;
}

export const ADMIN = { email: 'admin@agor.test', password: 'admin-password-1' };

/** Starts a daemon on a fresh AGOR_HOME (and fresh database) on a free port. */
export async function startTestDaemon(options: TestDaemonOptions = {}): Promise<TestDaemon> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'agor-home-'));
  const databaseUrl = options.databaseUrl ?? (options.store === 'postgres' ? await freshDatabase() : undefined);
  const config = withBindRules(Config.parse({
    home, port: 0, databaseUrl, authRequired: options.authRequired ?? false, logLevel: 'silent', adminEmail: ADMIN.email, adminPassword: ADMIN.password,
    executorRuntime: options.executorRuntime ?? 'process', executorIdleMs: options.executorIdleMs,
    providers: {
      anthropic: { apiKey: 'test-anthropic-key', baseUrl: options.anthropicBaseUrl },
      openai: { apiKey: 'test-openai-key', baseUrl: options.openaiBaseUrl },
      gemini: { apiKey: 'test-gemini-key', baseUrl: options.geminiBaseUrl },
    },
  }));
  const log = pino({ level: process.env.AGOR_TEST_LOG ?? 'silent' });
  let daemon = await startDaemon({ config, clock: options.clock, log, dockerRuntime: options.dockerRuntime });
  const t: TestDaemon = {
    get daemon() { return daemon; },
    get url() { return daemon.url; },
    home,
    databaseUrl,
    api: new Api(() => daemon.url),
    async restart() {
      await daemon.close();
      daemon = await startDaemon({ config: { ...config, port: daemon.port }, clock: options.clock, log, dockerRuntime: options.dockerRuntime });
    },
    async close() {
      await daemon.close();
      if (!options.home) rmSync(home, { recursive: true, force: true });
    },
    [Symbol.asyncDispose]() { return t.close(); },
  };
  return t;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  contentType: string;
}

/** A tiny REST client for tests: JSON in, JSON (or problem+json) out, never throws on 4xx. */
export class Api {
  token: string | undefined;

  constructor(private readonly base: () => string, token?: string) {
    this.token = token;
  }

  as(token: string | undefined): Api {
    return new Api(this.base, token);
  }

  async request<T = any>(method: string, path: string, body?: unknown, raw?: string): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.base()}${path}`, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    return { status: res.status, body: contentType.includes('json') && text ? JSON.parse(text) : text, contentType };
  }

  get = <T = any>(path: string) => this.request<T>('GET', path);
  post = <T = any>(path: string, body?: unknown) => this.request<T>('POST', path, body ?? {});
  patch = <T = any>(path: string, body: unknown) => this.request<T>('PATCH', path, body);
  delete = <T = any>(path: string) => this.request<T>('DELETE', path);

  /** Logs in and returns a client acting as that user. */
  async login(email: string, password: string): Promise<Api> {
    const res = await this.ok('POST', '/authentication', { strategy: 'local', email, password });
    return this.as(res.accessToken);
  }

  /** Like request, but fails the test unless the status is 2xx. */
  async ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request<T>(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }
}
