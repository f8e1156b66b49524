import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const Secrets = z.object({ jwtSecret: z.string().min(32), encryptionKey: z.string().length(64) });
export type Secrets = z.infer<typeof Secrets>;

/** The daemon's secrets (JWT secret, key for stored provider keys): from config/env when given, else generated once and kept (mode 0600) in `$AGOR_HOME/secrets.json`. */
export function loadSecrets(home: string, jwtSecret?: string, encryptionKey = process.env.AGOR_ENCRYPTION_KEY): Secrets {
  const file = join(home, 'secrets.json');
  let stored: Secrets;
  if (existsSync(file)) {
    const parsed = Secrets.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file} is damaged; move it away to generate new secrets (sessions will have to log in again)`);
    stored = parsed.data;
  } else {
    mkdirSync(home, { recursive: true });
    stored = { jwtSecret: randomBytes(32).toString('base64url'), encryptionKey: randomBytes(32).toString('hex') };
    writeFileSync(file, JSON.stringify(stored), { mode: 0o600, flag: 'wx' });
  }
  if (encryptionKey && !/^[0-9a-f]{64}$/.test(encryptionKey)) throw new Error('AGOR_ENCRYPTION_KEY must be 64 hex characters (32 bytes): `openssl rand -hex 32`');
  return { ...stored, ...(jwtSecret ? { jwtSecret } : {}), ...(encryptionKey ? { encryptionKey } : {}) };
}

/** This daemon's stable id (it owns the tasks it runs across restarts): from config, else kept in `$AGOR_HOME/daemon-id`. */
export function loadDaemonId(home: string, configured?: string): string {
  if (configured) return configured;
  const file = join(home, 'daemon-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = `daemon-${randomBytes(6).toString('hex')}`;
  mkdirSync(home, { recursive: true });
  writeFileSync(file, id);
  return id;
}
