import { and, asc, count, desc, eq, isNull, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { invalid } from '../core/errors.js';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Ctx } from '../core/context.js';

export type ColumnKind = 'text' | 'id' | 'int' | 'bool';

/** What `find` may filter and sort on: only real, indexed columns ("materialized"), never jsonb. */
export interface FindSpec {
  /** The service these rows belong to: its events invalidate cached totals. */
  service: string;
  table: PgTable;
  columns: Record<string, { column: PgColumn; kind: ColumnKind; nullable?: boolean; sortOnly?: boolean }>;
  defaultSort: Array<[string, 1 | -1]>;
  /** Unique column appended to every sort so pages never overlap. */
  tiebreak: PgColumn;
}

export interface FindQuery {
  where: SQL[];
  limit: number;
  skip: number;
  sort: Array<[string, 1 | -1]>;
}

export interface Page<T> {
  total: number;
  limit: number;
  skip: number;
  data: T[];
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
const ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Turns `?field=v&$limit=&$skip=&$sort[field]=-1` into SQL; unknown fields and bad values are 400s that say why. */
export function parseFindQuery(query: Record<string, string[]>, spec: FindSpec): FindQuery {
  const out: FindQuery = { where: [], limit: DEFAULT_LIMIT, skip: 0, sort: [] };
  const filterable = Object.keys(spec.columns).filter((k) => !spec.columns[k]?.sortOnly);
  for (const [key, values] of Object.entries(query)) {
    if (values.length !== 1) throw invalid(`query parameter ${key} given ${values.length} times; give it once`);
    const value = values[0] as string;
    if (key === '$limit') out.limit = parseIntIn(key, value, 0, MAX_LIMIT);
    else if (key === '$skip') out.skip = parseIntIn(key, value, 0, 1e9);
    else if (key.startsWith('$sort[') && key.endsWith(']')) {
      const field = key.slice(6, -1);
      if (!spec.columns[field]) throw invalid(`cannot sort by ${field}; sortable: ${Object.keys(spec.columns).join(', ')}`);
      if (value !== '1' && value !== '-1') throw invalid(`${key} must be 1 or -1`);
      out.sort.push([field, value === '1' ? 1 : -1]);
    } else {
      const spec1 = spec.columns[key];
      if (!spec1 || spec1.sortOnly) throw invalid(`unknown filter ${key}; filterable: ${filterable.join(', ')}, $limit, $skip, $sort[field]`);
      if (value === 'null' && spec1.nullable) out.where.push(isNull(spec1.column));
      else out.where.push(eq(spec1.column, coerce(key, value, spec1.kind)));
    }
  }
  if (out.sort.length === 0) out.sort = spec.defaultSort;
  return out;
}

function parseIntIn(key: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value)) throw invalid(`${key} must be a whole number`);
  const n = Number(value);
  if (n < min || n > max) throw invalid(`${key} must be between ${min} and ${max}`);
  return n;
}

function coerce(key: string, value: string, kind: ColumnKind): string | number | boolean {
  switch (kind) {
    case 'int': return parseIntIn(key, value, 0, 2_147_483_647);
    case 'bool':
      if (value !== 'true' && value !== 'false') throw invalid(`${key} must be true or false`);
      return value === 'true';
    case 'id':
      if (!ID_RE.test(value)) throw invalid(`${key} must be a full id (UUID)`);
      return value;
    case 'text': return value;
  }
}

const dialect = new PgDialect();

/** Runs a page query and its count (cached until the service changes); `extra` adds access conditions the caller computed. */
export async function findPage<T>(ctx: Ctx, spec: FindSpec, q: FindQuery, extra: SQL[] = []): Promise<Page<T>> {
  const db = ctx.store.db;
  const where = and(...q.where, ...extra);
  const order = [
    ...q.sort.map(([field, dir]) => {
      const column = (spec.columns[field] as { column: PgColumn }).column;
      return dir === 1 ? asc(column) : desc(column);
    }),
    asc(spec.tiebreak),
  ];
  const rowsQuery = q.limit === 0
    ? Promise.resolve([])
    : db.select().from(spec.table).where(where).orderBy(...order).limit(q.limit).offset(q.skip);
  const compiled = where ? dialect.sqlToQuery(where) : { sql: '', params: [] };
  const key = `${compiled.sql}|${JSON.stringify(compiled.params)}`;
  const now = Date.now();
  const cached = ctx.counts?.get(spec.service, key, now);
  const countQuery = cached !== undefined
    ? Promise.resolve(cached)
    : db.select({ n: count() }).from(spec.table).where(where).then((r) => {
      const n = Number(r[0]?.n ?? 0);
      ctx.counts?.set(spec.service, key, n, now);
      return n;
    });
  const [rows, total] = await Promise.all([rowsQuery, countQuery]);
  return { total, limit: q.limit, skip: q.skip, data: rows as T[] };
}
