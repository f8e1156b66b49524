import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { seal, unseal } from '../auth/sealed.js';
import { type Ctx, actorUser, isPrivileged } from '../core/context.js';
import { forbidden, notFound } from '../core/errors.js';
import type { Db } from '../store/driver.js';
import { userCredentials } from '../store/schema.js';
import { parse } from './validate.js';

export const Provider = z.enum(['anthropic', 'openai', 'gemini']);
export const CredentialPut = z.strictObject({ api_key: z.string().min(1).max(1000), base_url: z.url().max(2000).nullable().optional() });
type Provider = z.infer<typeof Provider>;

/** Keys are their owner's alone: not even an admin reads or sets another user's. */
function assertSelf(ctx: Ctx, userId: string): void {
  if (actorUser(ctx.actor)?.user_id !== userId) throw forbidden('provider keys can only be managed by their own user');
}

const view = (row: typeof userCredentials.$inferSelect) => ({ provider: row.provider, has_key: true, base_url: row.base_url, updated_at: row.updated_at });

export async function listCredentials(ctx: Ctx, userId: string) {
  if (!isPrivileged(ctx.actor)) assertSelf(ctx, userId);
  const rows = await ctx.store.db.select().from(userCredentials).where(eq(userCredentials.user_id, userId));
  return { total: rows.length, limit: rows.length, skip: 0, data: rows.map(view) };
}

export async function putCredential(ctx: Ctx, encryptionKey: string, userId: string, provider: string, input: unknown) {
  assertSelf(ctx, userId);
  const p = parse(Provider, provider, 'provider');
  const body = parse(CredentialPut, input);
  const values = { user_id: userId, provider: p, api_key_encrypted: seal(body.api_key, encryptionKey), base_url: body.base_url ?? null, updated_at: ctx.clock.now() };
  const [row] = await ctx.store.db.insert(userCredentials).values(values)
    .onConflictDoUpdate({ target: [userCredentials.user_id, userCredentials.provider], set: values }).returning();
  return view(row!);
}

export async function removeCredential(ctx: Ctx, userId: string, provider: string) {
  assertSelf(ctx, userId);
  const p = parse(Provider, provider, 'provider');
  const [row] = await ctx.store.db.delete(userCredentials).where(and(eq(userCredentials.user_id, userId), eq(userCredentials.provider, p))).returning();
  if (!row) throw notFound('provider key', p);
  return view(row);
}

/** The user's own key for a provider, decrypted, or null. */
export async function userCredential(db: Db, encryptionKey: string, userId: string, provider: Provider): Promise<{ apiKey: string; baseUrl: string | null } | null> {
  const [row] = await db.select().from(userCredentials).where(and(eq(userCredentials.user_id, userId), eq(userCredentials.provider, provider)));
  return row ? { apiKey: unseal(row.api_key_encrypted, encryptionKey), baseUrl: row.base_url } : null;
}
