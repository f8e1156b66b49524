import { randomBytes } from 'node:crypto';
import { count, eq, isNotNull } from 'drizzle-orm';
import { type Ctx, actorUser, isPrivileged, transact } from '../core/context.js';
import { conflict, DomainError, forbidden, notFound } from '../core/errors.js';
import { uuidv7 } from '../core/ids.js';
import { hashPassword } from '../auth/password.js';
import { UserCreate, UserPatch, type User } from '../protocol/entities.js';
import type { Db } from '../store/driver.js';
import { users, type UserRow } from '../store/schema.js';
import { serviceEvent } from './events.js';
import { findPage, parseFindQuery, type FindSpec, type Page } from './find.js';
import { parse } from './validate.js';

const spec: FindSpec = {
  service: 'users',
  table: users,
  columns: {
    email: { column: users.email, kind: 'text' }, role: { column: users.role, kind: 'text' },
    name: { column: users.name, kind: 'text' }, created_at: { column: users.created_at, kind: 'text', sortOnly: true },
  },
  defaultSort: [['created_at', 1]],
  tiebreak: users.user_id,
};

/** A user as anyone may see it: never the password hash. */
export function publicUser(row: UserRow): User {
  const { password_hash: _hidden, ...rest } = row;
  return rest as unknown as User;
}

export const LOCAL_USER_EMAIL = 'local@agor.invalid';

/** The user every anonymous request acts as (loopback, auth not required); created on first start. */
export async function ensureLocalUser(db: Db): Promise<UserRow> {
  const [existing] = await db.select().from(users).where(eq(users.email, LOCAL_USER_EMAIL));
  if (existing) return existing;
  const [row] = await db.insert(users).values({
    user_id: uuidv7(), email: LOCAL_USER_EMAIL, name: 'Local user', emoji: '🧑‍💻', role: 'admin', is_local: true,
  }).onConflictDoNothing().returning();
  return row ?? (await db.select().from(users).where(eq(users.email, LOCAL_USER_EMAIL)))[0] as UserRow;
}

/**
 * With auth required, someone must be able to log in: when no user has a password yet, create the admin
 * (password from config, else generated and returned once so the daemon can print it).
 */
export async function ensureAdmin(db: Db, email: string, password: string | undefined): Promise<{ email: string; password: string | null }> {
  const [withPassword] = await db.select({ n: count() }).from(users).where(isNotNull(users.password_hash));
  if (Number(withPassword?.n ?? 0) > 0) return { email, password: null };
  const chosen = password ?? randomBytes(12).toString('base64url');
  await db.insert(users).values({
    user_id: uuidv7(), email: email.toLowerCase(), name: 'Admin', emoji: '🛠️', role: 'admin', password_hash: await hashPassword(chosen),
  }).onConflictDoUpdate({ target: users.email, set: { password_hash: await hashPassword(chosen), role: 'admin' } });
  return { email, password: password ? null : chosen };
}

export async function findUsers(ctx: Ctx, query: Record<string, string[]>): Promise<Page<User>> {
  const page = await findPage<UserRow>(ctx, spec, parseFindQuery(query, spec));
  return { ...page, data: page.data.map(publicUser) };
}

export async function getUser(ctx: Ctx, id: string): Promise<User> {
  const [row] = await ctx.store.db.select().from(users).where(eq(users.user_id, id));
  if (!row) throw notFound('user', id);
  return publicUser(row);
}

/** Creates a user. Admins may; so may anyone while no user has a password yet (the first account becomes admin). */
export async function createUser(ctx: Ctx, input: unknown): Promise<User> {
  const body = parse(UserCreate, input);
  const [withPassword] = await ctx.store.db.select({ n: count() }).from(users).where(isNotNull(users.password_hash));
  const first = Number(withPassword?.n ?? 0) === 0;
  if (!first && !isPrivileged(ctx.actor)) throw forbidden('only an admin may create users');
  const password_hash = await hashPassword(body.password);
  return transact(ctx, async (tx, emit) => {
    const [taken] = await tx.select({ id: users.user_id }).from(users).where(eq(users.email, body.email.toLowerCase()));
    if (taken) throw conflict(`a user with email ${body.email} already exists`);
    const [row] = await tx.insert(users).values({
      user_id: uuidv7(), email: body.email.toLowerCase(), name: body.name ?? body.email.split('@')[0] ?? body.email,
      emoji: body.emoji ?? '🙂', role: first ? 'admin' : (body.role ?? 'member'), password_hash,
    }).returning();
    const user = publicUser(row as UserRow);
    emit(serviceEvent('users', 'created', user, []));
    return user;
  });
}

/** Patches a user: oneself (name, emoji, password, data) or anyone as an admin (also role). */
export async function patchUser(ctx: Ctx, id: string, input: unknown): Promise<User> {
  const body = parse(UserPatch, input);
  const self = actorUser(ctx.actor)?.user_id === id;
  if (!self && !isPrivileged(ctx.actor)) throw forbidden('you may only change your own user');
  if (body.role && !isPrivileged(ctx.actor)) throw forbidden('only an admin may change roles');
  const password_hash = body.password ? await hashPassword(body.password) : undefined;
  return transact(ctx, async (tx, emit) => {
    const { password: _p, ...fields } = body;
    const [row] = await tx.update(users).set({ ...fields, ...(password_hash ? { password_hash } : {}), updated_at: ctx.clock.now() })
      .where(eq(users.user_id, id)).returning();
    if (!row) throw notFound('user', id);
    const user = publicUser(row);
    emit(serviceEvent('users', 'patched', user, []));
    return user;
  });
}

export async function removeUser(ctx: Ctx, id: string): Promise<User> {
  if (!isPrivileged(ctx.actor)) throw forbidden('only an admin may remove users');
  if (actorUser(ctx.actor)?.user_id === id) throw new DomainError('UNPROCESSABLE', 'you cannot remove yourself');
  return transact(ctx, async (tx, emit) => {
    const [row] = await tx.delete(users).where(eq(users.user_id, id)).returning().catch((err: unknown) => {
      throw isForeignKeyViolation(err) ? conflict('this user still owns repos, worktrees, boards or sessions; remove or reassign them first') : err;
    });
    if (!row) throw notFound('user', id);
    const user = publicUser(row);
    emit(serviceEvent('users', 'removed', user, []));
    return user;
  });
}

/** True for PostgreSQL's foreign_key_violation, whichever driver raised it. */
export function isForeignKeyViolation(err: unknown): boolean {
  let e: unknown = err;
  for (let i = 0; i < 3 && e; i++) {
    if ((e as { code?: string }).code === '23503') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
