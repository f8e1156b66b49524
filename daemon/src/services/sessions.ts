import { randomBytes } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { type Actor, type Ctx, actorUser, transact } from '../core/context.js';
import { conflict, invalid, notFound, unprocessable } from '../core/errors.js';
import { uuidv7 } from '../core/ids.js';
import { SessionCreate, SessionFork, SessionPatch, SessionPrompt, SessionSpawn, type Genealogy, type Session } from '../protocol/entities.js';
import { rowsOf, type Tx } from '../store/driver.js';
import { boardObjects, messages, sessions, tasks, worktrees, type BoardRow, type SessionRow, type TaskRow, type UserRow } from '../store/schema.js';
import {
  boardAudience, boardOfSession, canReadBoard, loadBoard, readableSession, readableSessionsSql, sessionChannels, writableSession,
} from './access.js';
import { serviceEvent } from './events.js';
import { findPage, parseFindQuery, type FindSpec } from './find.js';
import { appendMessages, copyMessages } from './messages.js';
import { parse } from './validate.js';

const spec: FindSpec = {
  service: 'sessions',
  table: sessions,
  columns: {
    worktree_id: { column: sessions.worktree_id, kind: 'id' }, board_id: { column: sessions.board_id, kind: 'id', nullable: true },
    status: { column: sessions.status, kind: 'text' }, agentic_tool: { column: sessions.agentic_tool, kind: 'text' },
    created_by: { column: sessions.created_by, kind: 'id' },
    parent_session_id: { column: sessions.parent_session_id, kind: 'id', nullable: true },
    forked_from_session_id: { column: sessions.forked_from_session_id, kind: 'id', nullable: true },
    created_at: { column: sessions.created_at, kind: 'text', sortOnly: true },
    updated_at: { column: sessions.updated_at, kind: 'text', sortOnly: true },
    title: { column: sessions.title, kind: 'text', sortOnly: true },
  },
  defaultSort: [['created_at', 1]],
  tiebreak: sessions.session_id,
};

export const MCP_TOKEN_TTL_MS = 24 * 3600_000;

/** Who sees a session's secrets: its owner, except through another session's MCP token (agents see only their own). */
export function secretViewer(actor: Actor, row: SessionRow): UserRow | null {
  if (actor.kind === 'mcp' && actor.sessionId !== row.session_id) return null;
  return actorUser(actor);
}

/** A session as `viewer` may see it: the MCP token is its owner's secret. */
export function publicSession(row: SessionRow, viewer: UserRow | null): Session {
  if (viewer && viewer.user_id === row.created_by) return row as unknown as Session;
  const { mcp_token: _t, mcp_token_expires_at: _e, ...data } = row.data;
  return { ...row, data } as unknown as Session;
}

const sessionEvent = (event: 'created' | 'patched' | 'removed', s: SessionRow, board: BoardRow | undefined) =>
  serviceEvent('sessions', event, publicSession(s, null), sessionChannels(s), boardAudience(board));

/** Emits the session's new state after a change made elsewhere in `tx` (status, message count). */
export async function emitSessionPatched(tx: Tx, emit: (m: ReturnType<typeof serviceEvent>) => void, sessionId: string): Promise<SessionRow | undefined> {
  const [row] = await tx.select().from(sessions).where(eq(sessions.session_id, sessionId));
  if (row) emit(sessionEvent('patched', row, await boardOfSession(tx, row)));
  return row;
}

export async function findSessions(ctx: Ctx, query: Record<string, string[]>) {
  const q = parseFindQuery(query, spec);
  const boardId = query.board_id?.[0];
  let access: ReturnType<typeof readableSessionsSql>;
  if (boardId && boardId !== 'null') {
    // One board: check it once instead of joining every row against the readable boards.
    const board = await loadBoard(ctx.store.db, boardId);
    if (!board || !canReadBoard(ctx.actor, board)) return { total: 0, limit: q.limit, skip: q.skip, data: [] };
  } else {
    access = readableSessionsSql(ctx.store.db, ctx.actor);
  }
  const page = await findPage<SessionRow>(ctx, spec, q, access ? [access] : []);
  return { ...page, data: page.data.map((s) => publicSession(s, secretViewer(ctx.actor, s))) };
}

export async function getSession(ctx: Ctx, id: string): Promise<Session> {
  const { session } = await readableSession(ctx.store.db, ctx.actor, id);
  return publicSession(session, secretViewer(ctx.actor, session));
}

function newMcpToken(ctx: Ctx) {
  return { mcp_token: randomBytes(32).toString('hex'), mcp_token_expires_at: new Date(ctx.clock.now().getTime() + MCP_TOKEN_TTL_MS).toISOString() };
}

interface NewSession {
  worktree_id: string;
  board_id: string | null;
  title: string;
  agentic_tool: SessionRow['agentic_tool'];
  parent_session_id?: string | null;
  forked_from_session_id?: string | null;
  forked_at_message_index?: number | null;
  data?: Record<string, unknown>;
}

/** Inserts a session (and its card when it sits on a board) inside `tx`. */
async function insertSession(ctx: Ctx, tx: Tx, emit: (m: ReturnType<typeof serviceEvent>) => void, user: UserRow, fields: NewSession): Promise<SessionRow> {
  const [wt] = await tx.select({ id: worktrees.worktree_id }).from(worktrees).where(eq(worktrees.worktree_id, fields.worktree_id));
  if (!wt) throw notFound('worktree', fields.worktree_id);
  let board: BoardRow | undefined;
  if (fields.board_id) {
    board = await loadBoard(tx, fields.board_id);
    if (!board || !canReadBoard(ctx.actor, board)) throw notFound('board', fields.board_id);
  }
  const [row] = await tx.insert(sessions).values({
    session_id: uuidv7(), ...fields, data: { ...fields.data, ...newMcpToken(ctx) }, created_by: user.user_id,
  }).returning();
  const session = row as SessionRow;
  emit(sessionEvent('created', session, board));
  if (board) {
    const [card] = await tx.insert(boardObjects).values({
      board_object_id: uuidv7(), board_id: board.board_id, kind: 'session', session_id: session.session_id, created_by: user.user_id, ...cardPosition(session),
    }).returning();
    if (card) emit(serviceEvent('board-objects', 'created', card, [`boards/${board.board_id}`], boardAudience(board)));
  }
  return session;
}

/** Spreads new cards over a grid so they never land on top of each other. */
function cardPosition(session: SessionRow): { x: number; y: number } {
  const n = parseInt(session.session_id.slice(-4), 16) % 24;
  return { x: 40 + (n % 6) * 340, y: 40 + Math.floor(n / 6) * 220 };
}

function requireUser(ctx: Ctx): UserRow {
  const user = actorUser(ctx.actor);
  if (!user) throw invalid('sessions are created by users');
  return user;
}

export async function createSession(ctx: Ctx, input: unknown): Promise<Session> {
  const body = parse(SessionCreate, input);
  const user = requireUser(ctx);
  const row = await transact(ctx, (tx, emit) => insertSession(ctx, tx, emit, user, {
    worktree_id: body.worktree_id, board_id: body.board_id ?? null, title: body.title ?? '', agentic_tool: body.agentic_tool ?? 'claude-code', data: body.data,
  }));
  return publicSession(row, user);
}

export async function patchSession(ctx: Ctx, id: string, input: unknown): Promise<Session> {
  const body = parse(SessionPatch, input);
  await writableSession(ctx.store.db, ctx.actor, id);
  const row = await transact(ctx, async (tx, emit) => {
    if (body.board_id) {
      const board = await loadBoard(tx, body.board_id);
      if (!board || !canReadBoard(ctx.actor, board)) throw notFound('board', body.board_id);
    }
    const [current] = await tx.select({ data: sessions.data }).from(sessions).where(eq(sessions.session_id, id)).for('update');
    if (!current) throw notFound('session', id);
    // `data` merges, and never lets a client overwrite the daemon's own keys.
    const data = body.data ? { ...body.data, ...pick(current.data, ['mcp_token', 'mcp_token_expires_at']) } : undefined;
    const [updated] = await tx.update(sessions).set({ ...body, ...(data ? { data: { ...current.data, ...data } } : {}), updated_at: ctx.clock.now() })
      .where(eq(sessions.session_id, id)).returning();
    const s = updated as SessionRow;
    emit(sessionEvent('patched', s, await boardOfSession(tx, s)));
    return s;
  });
  return publicSession(row, secretViewer(ctx.actor, row));
}

function pick(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in obj).map((k) => [k, obj[k]]));
}

/** Removes a session with its tasks and messages; refuses while it runs unless forced. */
export async function removeSession(ctx: Ctx, id: string, force = false): Promise<Session> {
  const { session } = await writableSession(ctx.store.db, ctx.actor, id);
  if (!force && (session.status === 'running' || session.status === 'awaiting_permission')) throw conflict('the session is running; stop it first or pass force=true');
  const row = await transact(ctx, async (tx, emit) => {
    const board = await boardOfSession(tx, session);
    const [removed] = await tx.delete(sessions).where(eq(sessions.session_id, id)).returning();
    if (!removed) throw notFound('session', id);
    emit(sessionEvent('removed', removed, board));
    return removed;
  });
  return publicSession(row, secretViewer(ctx.actor, row));
}

/** A new session holding a copy of messages 0..message_index; its agent continues from that point. */
export async function forkSession(ctx: Ctx, id: string, input: unknown): Promise<Session> {
  const body = parse(SessionFork, input);
  const user = requireUser(ctx);
  const { session: parent } = await readableSession(ctx.store.db, ctx.actor, id);
  if (body.message_index >= parent.message_count) {
    throw unprocessable(`session ${id} has ${parent.message_count} messages; fork at an index from 0 to ${parent.message_count - 1}`);
  }
  const row = await transact(ctx, async (tx, emit) => {
    const fork = await insertSession(ctx, tx, emit, user, {
      worktree_id: parent.worktree_id, board_id: parent.board_id, agentic_tool: parent.agentic_tool,
      title: body.title ?? `${parent.title || 'Session'} (fork @${body.message_index})`,
      forked_from_session_id: parent.session_id, forked_at_message_index: body.message_index,
      data: parent.sdk_session_id ? { fork_of_sdk_session_id: parent.sdk_session_id } : {},
    });
    await copyMessages(tx, parent.session_id, fork.session_id, body.message_index);
    // The agent resumes the parent's SDK session cut at the last message it knows at or before the fork point.
    const [cut] = await tx.select({ id: messages.sdk_message_id }).from(messages)
      .where(and(eq(messages.session_id, parent.session_id), sql`${messages.index} <= ${body.message_index}`, sql`${messages.sdk_message_id} is not null`))
      .orderBy(desc(messages.index)).limit(1);
    if (cut?.id) await tx.update(sessions).set({ data: sql`${sessions.data} || ${JSON.stringify({ fork_at_sdk_message_id: cut.id })}::jsonb` }).where(eq(sessions.session_id, fork.session_id));
    return (await emitSessionPatched(tx, emit, fork.session_id)) as SessionRow;
  });
  return publicSession(row, user);
}

/** A fresh child session the parent delegates to; with a prompt, the child's first task is queued at once. */
export async function spawnSession(ctx: Ctx, id: string, input: unknown): Promise<Session & { task: TaskRow | null }> {
  const body = parse(SessionSpawn, input);
  const user = requireUser(ctx);
  const { session: parent } = await readableSession(ctx.store.db, ctx.actor, id);
  const result = await transact(ctx, async (tx, emit) => {
    const child = await insertSession(ctx, tx, emit, user, {
      worktree_id: parent.worktree_id, board_id: parent.board_id, agentic_tool: body.agentic_tool ?? parent.agentic_tool,
      title: body.title ?? `${parent.title || 'Session'} › child`, parent_session_id: parent.session_id,
    });
    const task = body.prompt ? await queueTask(tx, emit, child, user, body.prompt) : null;
    return { child, task };
  });
  if (result.task) ctx.tasks?.enqueue(result.task);
  return { ...publicSession(result.child, user), task: result.task };
}

/** Records a prompt as a task (status `created`) and its user message, inside `tx`. */
async function queueTask(tx: Tx, emit: (m: ReturnType<typeof serviceEvent>) => void, session: SessionRow, user: UserRow, prompt: string): Promise<TaskRow> {
  const [task] = await tx.insert(tasks).values({ task_id: uuidv7(), session_id: session.session_id, prompt, created_by: user.user_id }).returning();
  const audience = boardAudience(await boardOfSession(tx, session));
  emit(serviceEvent('tasks', 'created', task as TaskRow, sessionChannels(session), audience));
  const [message] = await appendMessages(tx, session.session_id, [{ role: 'user', content: prompt, task_id: (task as TaskRow).task_id }]);
  if (message) emit(serviceEvent('messages', 'created', message, sessionChannels(session), audience));
  return task as TaskRow;
}

/** `POST /sessions/:id/prompt`: queues a task; tasks of one session run one at a time, in order. */
export async function promptSession(ctx: Ctx, id: string, input: unknown): Promise<TaskRow> {
  const body = parse(SessionPrompt, input);
  const user = requireUser(ctx);
  const { session } = await writableSession(ctx.store.db, ctx.actor, id);
  const task = await transact(ctx, async (tx, emit) => {
    // A prompt renews the session's MCP token, so a long-lived session keeps working.
    await tx.update(sessions).set({ data: sql`${sessions.data} || ${JSON.stringify(newMcpToken(ctx))}::jsonb` }).where(eq(sessions.session_id, id));
    return queueTask(tx, emit, session, user, body.prompt);
  });
  ctx.tasks?.enqueue(task);
  return task;
}

/** `POST /sessions/:id/stop`: stops the running task and drops the queued ones. */
export async function stopSession(ctx: Ctx, id: string): Promise<{ stopped: string[] }> {
  await writableSession(ctx.store.db, ctx.actor, id);
  const open = await ctx.store.db.select().from(tasks).where(and(eq(tasks.session_id, id), inArray(tasks.status, ['created', 'running', 'awaiting_permission'])));
  if (open.length === 0) return { stopped: [] };
  if (ctx.tasks) await ctx.tasks.stop(id);
  else {
    await transact(ctx, async (tx, emit) => {
      const now = ctx.clock.now();
      for (const t of open) {
        const [row] = await tx.update(tasks).set({ status: 'stopped', completed_at: now, updated_at: now }).where(eq(tasks.task_id, t.task_id)).returning();
        if (row) emit(serviceEvent('tasks', 'patched', row, [`sessions/${id}`]));
      }
      await tx.update(sessions).set({ status: 'idle', updated_at: now }).where(eq(sessions.session_id, id));
      await emitSessionPatched(tx, emit, id);
    });
  }
  return { stopped: open.map((t) => t.task_id) };
}

const relationOf = (s: Pick<SessionRow, 'parent_session_id'>) => (s.parent_session_id ? 'spawn' : 'fork') as 'spawn' | 'fork';

/** Ancestors (nearest first) and all descendants, each with how it came to be (fork or spawn). */
export async function genealogy(ctx: Ctx, id: string): Promise<Genealogy> {
  const { session } = await readableSession(ctx.store.db, ctx.actor, id);
  const ancestors: Genealogy['ancestors'] = [];
  let cursor: SessionRow | undefined = session;
  const seen = new Set([session.session_id]);
  while (cursor && ancestors.length < 100) {
    const upId: string | null = cursor.parent_session_id ?? cursor.forked_from_session_id;
    if (!upId || seen.has(upId)) break;
    seen.add(upId);
    const relation = relationOf(cursor);
    [cursor] = await ctx.store.db.select().from(sessions).where(eq(sessions.session_id, upId));
    if (cursor) ancestors.push({ session_id: cursor.session_id, relation, title: cursor.title });
  }
  const rows = await ctx.store.db.execute(sql`
    with recursive tree as (
      select session_id, coalesce(parent_session_id, forked_from_session_id) as parent_id,
             case when parent_session_id is not null then 'spawn' else 'fork' end as relation, title, 1 as depth
        from sessions where parent_session_id = ${id} or forked_from_session_id = ${id}
      union all
      select s.session_id, coalesce(s.parent_session_id, s.forked_from_session_id),
             case when s.parent_session_id is not null then 'spawn' else 'fork' end, s.title, t.depth + 1
        from sessions s join tree t on s.parent_session_id = t.session_id or s.forked_from_session_id = t.session_id
       where t.depth < 50
    ) select session_id, parent_id, relation, title, depth from tree order by depth, session_id`);
  const list = rowsOf<{ session_id: string; parent_id: string; relation: 'fork' | 'spawn'; title: string; depth: number }>(rows);
  const readable = readableSessionsSql(ctx.store.db, ctx.actor);
  let visible = new Set(list.map((r) => r.session_id));
  if (readable && visible.size > 0) {
    const ok = await ctx.store.db.select({ id: sessions.session_id }).from(sessions).where(and(inArray(sessions.session_id, [...visible]), readable));
    visible = new Set(ok.map((r) => r.id));
  }
  return {
    session_id: id, ancestors,
    descendants: list.filter((r) => visible.has(r.session_id)).map((r) => ({ ...r, depth: Number(r.depth) })),
  };
}
