import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle; same query API as Db. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Cross-replica notification channel; PGlite has one process, so it has none. */
export interface Notifier {
  notify(channel: string, payload: string): Promise<void>;
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
}

export interface Store {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  readonly notifier: Notifier | null;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres:// URL; absent means embedded PGlite in dataDir. */
  databaseUrl?: string;
  dataDir: string;
  /** Connections in the postgres.js pool. */
  poolSize?: number;
}

const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Opens the store and brings its schema up to date before returning. */
export async function openStore(options: StoreOptions): Promise<Store> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 10) : openPglite(options.dataDir);
}

async function openPglite(dataDir: string): Promise<Store> {
  mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db = drizzlePglite(client, { schema });
  await refuseNewerSchema(db as unknown as Db, () => client.close());
  await migratePglite(db, { migrationsFolder });
  return {
    kind: 'pglite',
    db: db as unknown as Db,
    notifier: null,
    close: () => client.close(),
  };
}

async function openPostgres(url: string, max: number): Promise<Store> {
  const client = postgres(url, { max, onnotice: () => {}, connection: { application_name: 'agor-daemon' } });
  const db = drizzlePostgres(client, { schema });
  await refuseNewerSchema(db as unknown as Db, () => client.end({ timeout: 5 }));
  await migrateWithLock(client, () => migratePostgres(db, { migrationsFolder }));
  const notifier: Notifier = {
    async notify(channel, payload) {
      await client.notify(channel, payload);
    },
    async listen(channel, onPayload) {
      const sub = await client.listen(channel, onPayload);
      return () => sub.unlisten();
    },
  };
  return {
    kind: 'postgres',
    db: db as unknown as Db,
    notifier,
    close: () => client.end({ timeout: 5 }),
  };
}

/** The newest migration this code knows (drizzle-kit's journal), as drizzle records it (`created_at` = its `when`). */
function newestKnownMigration(): number {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ when: number }> };
  return Math.max(...journal.entries.map((e) => e.when));
}

/**
 * A database migrated by a newer Agor must not be opened by an older one (its code would misread the schema):
 * refuse, and say what to do.
 */
async function refuseNewerSchema(db: Db, close: () => Promise<void>): Promise<void> {
  const applied = await db.execute(sql`select max(created_at)::text as newest from drizzle.__drizzle_migrations`).catch(() => null);
  const newest = Number(rowsOf<{ newest: string | null }>(applied)[0]?.newest ?? 0);
  if (newest > newestKnownMigration()) {
    await close();
    throw new Error('the database was migrated by a newer version of Agor; upgrade Agor, or restore a backup taken before the upgrade (`agor db restore`)');
  }
}

/** Replicas starting together must not run the same migration twice: serialize on an advisory lock. */
async function migrateWithLock(client: postgres.Sql, run: () => Promise<void>): Promise<void> {
  await client.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(734201)`;
    await run();
  });
}

/** Rows of a raw `execute`: postgres.js returns them as the result, PGlite under `.rows`. */
export function rowsOf<T>(result: unknown): T[] {
  if (!result) return [];
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []);
}
