import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './errors.js';

/** `$AGOR_HOME`, default `~/.agor`: the daemon's data and the CLI's config and login. */
export const agorHome = () => process.env.AGOR_HOME || join(homedir(), '.agor');

const CONFIG_KEYS = ['url', 'port', 'auth_required', 'executor_runtime', 'default_agent'] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];
export const isConfigKey = (k: string): k is ConfigKey => (CONFIG_KEYS as readonly string[]).includes(k);
export const configKeys = () => [...CONFIG_KEYS];

function readJson(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    throw new CliError(`${file} is not valid JSON; fix or delete it`);
  }
}

function writeJson(file: string, value: unknown, mode = 0o644): void {
  mkdirSync(agorHome(), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, { mode });
}

export const configFile = () => join(agorHome(), 'config.json');
export const readConfig = () => readJson(configFile());
export const writeConfig = (c: Record<string, unknown>) => writeJson(configFile(), c);

/** The stored login (`agor user login`), private to this user. */
const loginFile = () => join(agorHome(), 'cli-login.json');
export const readLogin = () => readJson(loginFile()) as { url?: string; accessToken?: string; refreshToken?: string; email?: string };
export const writeLogin = (l: Record<string, unknown>) => writeJson(loginFile(), l, 0o600);

/** The daemon's URL: AGOR_URL, else the config's url, else the port from $PORT or the config (default 3030) on loopback, as the daemon reads them. */
export function daemonUrl(): string {
  const config = readConfig();
  const url = process.env.AGOR_URL || (config.url as string | undefined) || `http://127.0.0.1:${process.env.PORT || (config.port as number | undefined) || 3030}`;
  return url.replace(/\/$/, '');
}
