import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { Jwt } from '../auth/jwt.js';
import { looksLikeJwt } from '../auth/jwt.js';
import { newApiToken, sha256 } from '../auth/opaque-token.js';
import { verifyPassword } from '../auth/password.js';
import { type Ctx, actorUser, transact } from '../core/context.js';
import { DomainError, forbidden, notFound } from '../core/errors.js';
import { uuidv7 } from '../core/ids.js';
import { ApiTokenCreate, Authentication } from '../protocol/entities.js';
import type { Db } from '../store/driver.js';
import { apiTokens, users, type UserRow } from '../store/schema.js';
import { publicUser } from './users.js';
import { parse } from './validate.js';

const unauthenticated = (message: string) => new DomainError('UNAUTHENTICATED', message);

/** `POST /authentication`: email + password, or a refresh token, for a fresh access and refresh token. */
export async function authenticate(ctx: Ctx, jwt: Jwt, input: unknown) {
  const body = parse(Authentication, input);
  let user: UserRow | undefined;
  if (body.strategy === 'local') {
    [user] = await ctx.store.db.select().from(users).where(eq(users.email, body.email.toLowerCase()));
    const ok = user?.password_hash ? await verifyPassword(body.password, user.password_hash) : false;
    if (!ok) throw unauthenticated('wrong email or password');
  } else {
    const id = await jwt.verify(body.refreshToken, 'refresh');
    if (id) [user] = await ctx.store.db.select().from(users).where(eq(users.user_id, id));
    if (!user) throw unauthenticated('the refresh token is invalid or expired; log in again');
  }
  const u = user as UserRow;
  const [accessToken, refreshToken] = await Promise.all([jwt.sign(u.user_id, 'access'), jwt.sign(u.user_id, 'refresh')]);
  return { accessToken, refreshToken, user: publicUser(u) };
}

/** Resolves a bearer credential (JWT access token or API token) to its user, or null. */
export async function userForBearer(db: Db, jwt: Jwt, token: string, now: Date): Promise<{ user: UserRow; apiTokenId?: string } | null> {
  if (looksLikeJwt(token)) {
    const id = await jwt.verify(token, 'access');
    if (!id) return null;
    const [user] = await db.select().from(users).where(eq(users.user_id, id));
    return user ? { user } : null;
  }
  if (!token.startsWith('agor_')) return null;
  const [row] = await db.select({ user: users, id: apiTokens.api_token_id }).from(apiTokens)
    .innerJoin(users, eq(users.user_id, apiTokens.user_id))
    .where(and(eq(apiTokens.token_hash, sha256(token)), or(isNull(apiTokens.expires_at), gt(apiTokens.expires_at, now))));
  if (!row) return null;
  void db.update(apiTokens).set({ last_used_at: now }).where(eq(apiTokens.api_token_id, row.id)).catch(() => {});
  return { user: row.user, apiTokenId: row.id };
}

function tokenOwner(ctx: Ctx): UserRow {
  const user = actorUser(ctx.actor);
  if (!user) throw forbidden('API tokens belong to users');
  return user;
}

const publicToken = ({ token_hash: _h, ...rest }: typeof apiTokens.$inferSelect) => rest;

/** Creates an API token for the caller; the secret is in this response and nowhere else, ever. */
export async function createApiToken(ctx: Ctx, input: unknown) {
  const body = parse(ApiTokenCreate, input);
  const user = tokenOwner(ctx);
  const { token, hash, prefix } = newApiToken();
  const expires_at = body.expires_in_days ? new Date(ctx.clock.now().getTime() + body.expires_in_days * 86_400_000) : null;
  return transact(ctx, async (tx) => {
    const [row] = await tx.insert(apiTokens).values({ api_token_id: uuidv7(), user_id: user.user_id, name: body.name, token_hash: hash, prefix, expires_at }).returning();
    return { ...publicToken(row as typeof apiTokens.$inferSelect), token };
  });
}

export async function listApiTokens(ctx: Ctx) {
  const user = tokenOwner(ctx);
  const rows = await ctx.store.db.select().from(apiTokens).where(eq(apiTokens.user_id, user.user_id)).orderBy(apiTokens.created_at);
  const data = rows.map(publicToken);
  return { total: data.length, limit: data.length, skip: 0, data };
}

export async function revokeApiToken(ctx: Ctx, id: string) {
  const user = tokenOwner(ctx);
  const [row] = await ctx.store.db.delete(apiTokens)
    .where(and(eq(apiTokens.api_token_id, id), eq(apiTokens.user_id, user.user_id))).returning();
  if (!row) throw notFound('API token', id);
  return publicToken(row);
}
