import { eq, inArray, isNull, or, type SQL } from 'drizzle-orm';
import { type Actor, actorUser, isPrivileged } from '../core/context.js';
import { forbidden, notFound } from '../core/errors.js';
import type { Db, Tx } from '../store/driver.js';
import { boards, sessions, type BoardRow, type SessionRow } from '../store/schema.js';

/** SQL limiting boards to those the actor may read; undefined when it may read all. */
export function readableBoardsSql(actor: Actor): SQL | undefined {
  if (isPrivileged(actor)) return undefined;
  const user = actorUser(actor);
  return or(eq(boards.visibility, 'team'), eq(boards.created_by, user?.user_id ?? ''));
}

/** SQL limiting sessions to those on a board the actor may read (or on no board). */
export function readableSessionsSql(db: Db | Tx, actor: Actor): SQL | undefined {
  const boardsSql = readableBoardsSql(actor);
  if (!boardsSql) return undefined;
  return or(isNull(sessions.board_id), inArray(sessions.board_id, db.select({ id: boards.board_id }).from(boards).where(boardsSql)));
}

export function canReadBoard(actor: Actor, board: BoardRow): boolean {
  return isPrivileged(actor) || board.visibility === 'team' || board.created_by === actorUser(actor)?.user_id;
}

/** Owners (and admins) change a thing; the rest of the team only reads it. */
export function assertOwner(actor: Actor, ownerId: string, what: string): void {
  if (isPrivileged(actor) || actorUser(actor)?.user_id === ownerId) return;
  throw forbidden(`only the user who created this ${what} (or an admin) may change it`);
}

/** Users who may see events about a board's contents: null means the whole team. */
export function boardAudience(board: BoardRow | null | undefined): string[] | null {
  return board && board.visibility === 'private' ? [board.created_by] : null;
}

export async function loadBoard(db: Db | Tx, boardId: string): Promise<BoardRow | undefined> {
  const [row] = await db.select().from(boards).where(eq(boards.board_id, boardId));
  return row;
}

/** The board a session sits on, if any, for access and audience. */
export async function boardOfSession(db: Db | Tx, session: SessionRow): Promise<BoardRow | undefined> {
  return session.board_id ? loadBoard(db, session.board_id) : undefined;
}

/** Loads a session the actor may read, with its board, in one query; a session on someone's private board is reported absent. */
export async function readableSession(db: Db | Tx, actor: Actor, sessionId: string): Promise<{ session: SessionRow; board: BoardRow | undefined }> {
  const [found] = await db.select({ session: sessions, board: boards }).from(sessions)
    .leftJoin(boards, eq(boards.board_id, sessions.board_id)).where(eq(sessions.session_id, sessionId));
  if (!found) throw notFound('session', sessionId);
  const board = found.board ?? undefined;
  if (board && !canReadBoard(actor, board)) throw notFound('session', sessionId);
  return { session: found.session, board };
}

/** Loads a session the actor may change: it must be theirs, or they are the executor or MCP token bound to it. */
export async function writableSession(db: Db | Tx, actor: Actor, sessionId: string): Promise<{ session: SessionRow; board: BoardRow | undefined }> {
  const found = await readableSession(db, actor, sessionId);
  if ((actor.kind === 'executor' || actor.kind === 'mcp') && actor.sessionId === sessionId) return found;
  if (actor.kind === 'executor') throw forbidden(`this executor's token is bound to session ${actor.sessionId}, not ${sessionId}`);
  assertOwner(actor, found.session.created_by, 'session');
  return found;
}

/** Channels that cover something inside a session. */
export function sessionChannels(session: SessionRow): string[] {
  const channels = [`sessions/${session.session_id}`, `worktrees/${session.worktree_id}`];
  if (session.board_id) channels.push(`boards/${session.board_id}`);
  return channels;
}
