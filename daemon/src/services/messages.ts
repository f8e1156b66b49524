import { and, eq, sql } from 'drizzle-orm';
import { type Ctx, transact } from '../core/context.js';
import { conflict, invalid, notFound } from '../core/errors.js';
import { uuidv7 } from '../core/ids.js';
import { MessageCreate } from '../protocol/entities.js';
import type { Tx } from '../store/driver.js';
import { messages, sessions, type MessageRow, type SessionRow } from '../store/schema.js';
import { boardAudience, boardOfSession, readableSession, sessionChannels, writableSession } from './access.js';
import { serviceEvent } from './events.js';
import { findPage, parseFindQuery, type FindSpec } from './find.js';
import { parse } from './validate.js';
import { z } from 'zod';

const spec: FindSpec = {
  service: 'messages',
  table: messages,
  columns: {
    session_id: { column: messages.session_id, kind: 'id' }, task_id: { column: messages.task_id, kind: 'id', nullable: true },
    role: { column: messages.role, kind: 'text' }, index: { column: messages.index, kind: 'int' },
  },
  defaultSort: [['index', 1]],
  tiebreak: messages.message_id,
};

/** Messages of one session, ordered by index (`session_id` is required). */
export async function findMessages(ctx: Ctx, query: Record<string, string[]>) {
  const sessionId = query.session_id?.[0];
  if (!sessionId) throw invalid('messages are listed per session: pass session_id');
  const q = parseFindQuery(query, spec);
  await readableSession(ctx.store.db, ctx.actor, sessionId);
  return findPage<MessageRow>(ctx, spec, q);
}

export async function getMessage(ctx: Ctx, id: string): Promise<MessageRow> {
  const [row] = await ctx.store.db.select().from(messages).where(eq(messages.message_id, id));
  if (!row) throw notFound('message', id);
  await readableSession(ctx.store.db, ctx.actor, row.session_id);
  return row;
}

const Bulk = z.union([MessageCreate, z.array(MessageCreate).min(1).max(1000)]);

/**
 * Appends messages (one, or an array in one transaction). Indexes are dense per session: an omitted index is the next
 * one; a given index must be exactly the next one, else 409 and nothing is written.
 */
export async function createMessages(ctx: Ctx, input: unknown): Promise<MessageRow | MessageRow[]> {
  const body = parse(Bulk, input);
  const list = Array.isArray(body) ? body : [body];
  const sessionIds = [...new Set(list.map((m) => m.session_id))];
  const sessionsById = new Map<string, SessionRow>();
  for (const id of sessionIds) sessionsById.set(id, (await writableSession(ctx.store.db, ctx.actor, id)).session);
  const created = await transact(ctx, async (tx, emit) => {
    const out: MessageRow[] = [];
    for (const sessionId of sessionIds) {
      const rows = await appendMessages(tx, sessionId, list.filter((m) => m.session_id === sessionId));
      const session = sessionsById.get(sessionId) as SessionRow;
      const audience = boardAudience(await boardOfSession(tx, session));
      for (const row of rows) emit(serviceEvent('messages', 'created', row, sessionChannels(session), audience));
      out.push(...rows);
    }
    return out;
  });
  return Array.isArray(body) ? created : (created[0] as MessageRow);
}

/** Inserts messages at the session's next indexes, holding the session row lock so concurrent appends cannot interleave. */
export async function appendMessages(tx: Tx, sessionId: string, list: Array<Omit<z.infer<typeof MessageCreate>, 'session_id'> & { message_id?: string; sdk_message_id?: string }>): Promise<MessageRow[]> {
  const [locked] = await tx.select({ n: sessions.message_count }).from(sessions).where(eq(sessions.session_id, sessionId)).for('update');
  let next = locked?.n ?? 0;
  const values = list.map((m) => {
    if (m.index !== undefined && m.index !== next) throw conflict(`message index ${m.index} is not the next index of session ${sessionId} (${next})`);
    return { message_id: m.message_id ?? uuidv7(), session_id: sessionId, task_id: m.task_id ?? null, index: next++, role: m.role, content: m.content, sdk_message_id: m.sdk_message_id ?? null };
  });
  const rows = await tx.insert(messages).values(values).returning();
  await tx.update(sessions).set({ message_count: next, updated_at: sql`now()` }).where(eq(sessions.session_id, sessionId));
  return rows.sort((a, b) => a.index - b.index);
}

/** Copies messages 0..upTo (inclusive) of one session into another, as the fork's own history. */
export async function copyMessages(tx: Tx, fromSessionId: string, toSessionId: string, upTo: number): Promise<number> {
  const rows = await tx.select().from(messages).where(and(eq(messages.session_id, fromSessionId), sql`${messages.index} <= ${upTo}`)).orderBy(messages.index);
  if (rows.length === 0) return 0;
  await tx.insert(messages).values(rows.map((r) => ({ message_id: uuidv7(), session_id: toSessionId, task_id: null, index: r.index, role: r.role, content: r.content, sdk_message_id: r.sdk_message_id })));
  await tx.update(sessions).set({ message_count: rows.length }).where(eq(sessions.session_id, toSessionId));
  return rows.length;
}
