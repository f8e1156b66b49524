import { createHash, randomBytes } from 'node:crypto';

/** A new API token: `agor_` + 32 random bytes; only its SHA-256 is stored. */
export function newApiToken(): { token: string; hash: string; prefix: string } {
  const token = `agor_${randomBytes(32).toString('base64url')}`;
  return { token, hash: sha256(token), prefix: token.slice(0, 12) };
}

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
