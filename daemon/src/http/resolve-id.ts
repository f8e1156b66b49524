import { like } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { conflict, invalid, notFound } from '../core/errors.js';
import type { Db } from '../store/driver.js';

const FULL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Accepts a full id or a unique prefix of 8+ hex characters (dashes allowed); ambiguity lists the matches. */
export async function resolveId(db: Db, table: PgTable, column: PgColumn, what: string, raw: string): Promise<string> {
  const id = raw.toLowerCase();
  if (FULL.test(id)) return id;
  if (!/^[0-9a-f-]+$/.test(id) || id.replace(/-/g, '').length < 8) throw notFound(what, raw);
  if (id.length > 36) throw invalid(`${raw} is longer than an id`);
  const rows = await db.select({ id: column }).from(table).where(like(column, `${id}%`)).limit(6);
  if (rows.length === 0) throw notFound(what, raw);
  if (rows.length > 1) throw conflict(`id prefix ${raw} matches several ${what}s: ${rows.map((r) => r.id).join(', ')}${rows.length > 5 ? ', …' : ''}; give more characters`);
  return rows[0]?.id as string;
}
