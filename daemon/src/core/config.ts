import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

const Bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])]).transform((v) => v === true || v === 'true' || v === '1');

export const Config = z.object({
  home: z.string().min(1),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(3030),
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres://').optional(),
  authRequired: Bool.default(false),
  jwtSecret: z.string().min(32).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  daemonId: z.string().min(1).optional(),
  /** The first admin, created at start when auth is required and no user has a password yet. */
  adminEmail: z.email().default('admin@agor.local'),
  adminPassword: z.string().min(8).optional(),
  /** How often WebSocket peers are pinged; one missed pong and the peer is dropped. */
  wsPingMs: z.coerce.number().int().min(100).default(30_000),
  executorRuntime: z.enum(['docker', 'process', 'auto']).default('auto'),
  executorIdleMs: z.coerce.number().int().min(1000).default(10 * 60_000),
  executorImage: z.string().min(1).default('agor-executor:0.1.0'),
  /** Provider keys and base URLs; they reach agents only through credentials.get, per task. */
  providers: z.object({
    anthropic: z.object({ apiKey: z.string().optional(), baseUrl: z.url().optional() }).default({}),
    openai: z.object({ apiKey: z.string().optional(), baseUrl: z.url().optional() }).default({}),
    gemini: z.object({ apiKey: z.string().optional(), baseUrl: z.url().optional() }).default({}),
  }).default({ anthropic: {}, openai: {}, gemini: {} }),
});
export type Config = z.infer<typeof Config> & { authRequired: boolean };

/** Reads the daemon's configuration from the environment; a bad value names the variable that holds it. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const home = env.AGOR_HOME || join(homedir(), '.agor');
  const file = fileConfig(home);
  const raw = {
    home,
    host: env.HOST || undefined,
    port: env.PORT || file.port,
    databaseUrl: env.DATABASE_URL || undefined,
    authRequired: env.AGOR_AUTH_REQUIRED || file.auth_required,
    jwtSecret: env.AGOR_JWT_SECRET || undefined,
    logLevel: env.AGOR_LOG_LEVEL || undefined,
    daemonId: env.AGOR_DAEMON_ID || undefined,
    adminEmail: env.AGOR_ADMIN_EMAIL || undefined,
    adminPassword: env.AGOR_ADMIN_PASSWORD || undefined,
    wsPingMs: env.AGOR_WS_PING_MS || undefined,
    executorRuntime: env.AGOR_EXECUTOR_RUNTIME || file.executor_runtime,
    executorIdleMs: env.AGOR_EXECUTOR_IDLE_MS || undefined,
    executorImage: env.AGOR_EXECUTOR_IMAGE || undefined,
    providers: {
      anthropic: { apiKey: env.ANTHROPIC_API_KEY || undefined, baseUrl: env.ANTHROPIC_BASE_URL || undefined },
      openai: { apiKey: env.OPENAI_API_KEY || undefined, baseUrl: env.OPENAI_BASE_URL || undefined },
      gemini: { apiKey: env.GEMINI_API_KEY || undefined, baseUrl: env.GOOGLE_GEMINI_BASE_URL || env.GEMINI_BASE_URL || undefined },
    },
  };
  const parsed = Config.safeParse(raw);
  if (!parsed.success) {
    const names: Record<string, string> = {
      home: 'AGOR_HOME', host: 'HOST', port: 'PORT', databaseUrl: 'DATABASE_URL', authRequired: 'AGOR_AUTH_REQUIRED',
      jwtSecret: 'AGOR_JWT_SECRET', logLevel: 'AGOR_LOG_LEVEL', daemonId: 'AGOR_DAEMON_ID',
      adminEmail: 'AGOR_ADMIN_EMAIL', adminPassword: 'AGOR_ADMIN_PASSWORD', executorRuntime: 'AGOR_EXECUTOR_RUNTIME', wsPingMs: 'AGOR_WS_PING_MS',
      executorIdleMs: 'AGOR_EXECUTOR_IDLE_MS', executorImage: 'AGOR_EXECUTOR_IMAGE', providers: 'ANTHROPIC_/OPENAI_/GEMINI_ settings',
    };
    const lines = parsed.error.issues.map((i) => `${names[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`);
    throw new Error(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return withBindRules(parsed.data);
}

/** `$AGOR_HOME/config.json` (written by `agor config set`); the environment overrides it. */
function fileConfig(home: string): { port?: number; auth_required?: boolean; executor_runtime?: string } {
  const path = join(home, 'config.json');
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, never>;
  } catch {
    throw new Error(`${path} is not valid JSON: fix it or delete it`);
  }
}

/** Auth is always required when the daemon listens beyond loopback. */
export function withBindRules(config: z.infer<typeof Config>): Config {
  const loopback = ['127.0.0.1', '::1', 'localhost'].includes(config.host);
  return { ...config, authRequired: config.authRequired || !loopback };
}
