import { eq } from 'drizzle-orm';
import { type Ctx, actorUser, transact } from '../core/context.js';
import { conflict, invalid, notFound } from '../core/errors.js';
import { uuidv7 } from '../core/ids.js';
import { BoardCreate, BoardObjectCreate, BoardObjectPatch, BoardPatch } from '../protocol/entities.js';
import { boardObjects, boards, sessions, type BoardObjectRow, type BoardRow } from '../store/schema.js';
import { assertOwner, boardAudience, canReadBoard, loadBoard, readableBoardsSql, sessionChannels } from './access.js';
import { publicSession } from './sessions.js';
import { serviceEvent } from './events.js';
import { findPage, parseFindQuery, type FindSpec } from './find.js';
import { parse } from './validate.js';

const boardSpec: FindSpec = {
  service: 'boards',
  table: boards,
  columns: {
    name: { column: boards.name, kind: 'text' }, visibility: { column: boards.visibility, kind: 'text' },
    created_by: { column: boards.created_by, kind: 'id' }, created_at: { column: boards.created_at, kind: 'text', sortOnly: true },
  },
  defaultSort: [['created_at', 1]],
  tiebreak: boards.board_id,
};

const boardEvent = (event: 'created' | 'patched' | 'removed', b: BoardRow) => serviceEvent('boards', event, b, [`boards/${b.board_id}`], boardAudience(b));

export function findBoards(ctx: Ctx, query: Record<string, string[]>) {
  const access = readableBoardsSql(ctx.actor);
  return findPage<BoardRow>(ctx, boardSpec, parseFindQuery(query, boardSpec), access ? [access] : []);
}

/** A board the actor may read; someone else's private board is reported absent. */
export async function getBoard(ctx: Ctx, id: string): Promise<BoardRow> {
  const board = await loadBoard(ctx.store.db, id);
  if (!board || !canReadBoard(ctx.actor, board)) throw notFound('board', id);
  return board;
}

export async function createBoard(ctx: Ctx, input: unknown): Promise<BoardRow> {
  const body = parse(BoardCreate, input);
  const user = actorUser(ctx.actor);
  if (!user) throw invalid('boards are created by users');
  return transact(ctx, async (tx, emit) => {
    const [row] = await tx.insert(boards).values({ board_id: uuidv7(), ...body, created_by: user.user_id }).returning();
    emit(boardEvent('created', row as BoardRow));
    return row as BoardRow;
  });
}

export async function patchBoard(ctx: Ctx, id: string, input: unknown): Promise<BoardRow> {
  const body = parse(BoardPatch, input);
  assertOwner(ctx.actor, (await getBoard(ctx, id)).created_by, 'board');
  return transact(ctx, async (tx, emit) => {
    const [row] = await tx.update(boards).set({ ...body, updated_at: ctx.clock.now() }).where(eq(boards.board_id, id)).returning();
    if (!row) throw notFound('board', id);
    emit(boardEvent('patched', row));
    return row;
  });
}

/** Removes a board and its objects; its sessions stay, on no board. */
export async function removeBoard(ctx: Ctx, id: string): Promise<BoardRow> {
  assertOwner(ctx.actor, (await getBoard(ctx, id)).created_by, 'board');
  return transact(ctx, async (tx, emit) => {
    const moved = await tx.update(sessions).set({ board_id: null, updated_at: ctx.clock.now() }).where(eq(sessions.board_id, id)).returning();
    const [row] = await tx.delete(boards).where(eq(boards.board_id, id)).returning();
    if (!row) throw notFound('board', id);
    emit(boardEvent('removed', row));
    for (const s of moved) emit(serviceEvent('sessions', 'patched', publicSession(s, null), sessionChannels(s), boardAudience(row)));
    return row;
  });
}

const objectSpec: FindSpec = {
  service: 'board-objects',
  table: boardObjects,
  columns: {
    board_id: { column: boardObjects.board_id, kind: 'id' }, kind: { column: boardObjects.kind, kind: 'text' },
    session_id: { column: boardObjects.session_id, kind: 'id', nullable: true },
    created_at: { column: boardObjects.created_at, kind: 'text', sortOnly: true },
  },
  defaultSort: [['created_at', 1]],
  tiebreak: boardObjects.board_object_id,
};

const objectEvent = (event: 'created' | 'patched' | 'removed', o: BoardObjectRow, b: BoardRow) =>
  serviceEvent('board-objects', event, o, [`boards/${o.board_id}`], boardAudience(b));

/** Board objects of one board (`board_id` is required: objects have no meaning apart from their board). */
export async function findBoardObjects(ctx: Ctx, query: Record<string, string[]>) {
  const boardId = query.board_id?.[0];
  if (!boardId) throw invalid('board-objects are listed per board: pass board_id');
  const q = parseFindQuery(query, objectSpec);
  await getBoard(ctx, boardId);
  return findPage<BoardObjectRow>(ctx, objectSpec, q);
}

async function getBoardObject(ctx: Ctx, id: string): Promise<{ object: BoardObjectRow; board: BoardRow }> {
  const [object] = await ctx.store.db.select().from(boardObjects).where(eq(boardObjects.board_object_id, id));
  if (!object) throw notFound('board object', id);
  const board = await loadBoard(ctx.store.db, object.board_id);
  if (!board || !canReadBoard(ctx.actor, board)) throw notFound('board object', id);
  return { object, board };
}

export const getBoardObjectRow = async (ctx: Ctx, id: string) => (await getBoardObject(ctx, id)).object;

/** Anyone who can see a board can arrange it: boards are the team's shared space. */
export async function createBoardObject(ctx: Ctx, input: unknown): Promise<BoardObjectRow> {
  const body = parse(BoardObjectCreate, input);
  const user = actorUser(ctx.actor);
  if (!user) throw invalid('board objects are created by users');
  const board = await getBoard(ctx, body.board_id);
  if (body.kind === 'session' && !body.session_id) throw invalid('a session card needs session_id');
  if (body.kind !== 'session' && body.session_id) throw invalid('only session cards carry a session_id');
  return transact(ctx, async (tx, emit) => {
    if (body.session_id) {
      const [s] = await tx.select({ board_id: sessions.board_id }).from(sessions).where(eq(sessions.session_id, body.session_id));
      if (!s) throw notFound('session', body.session_id);
    }
    const [row] = await tx.insert(boardObjects).values({ board_object_id: uuidv7(), ...body, created_by: user.user_id })
      .onConflictDoNothing().returning();
    if (!row) throw conflict(`session ${body.session_id} already has a card on this board; patch it instead`);
    emit(objectEvent('created', row, board));
    return row;
  });
}

export async function patchBoardObject(ctx: Ctx, id: string, input: unknown): Promise<BoardObjectRow> {
  const body = parse(BoardObjectPatch, input);
  const { board } = await getBoardObject(ctx, id);
  return transact(ctx, async (tx, emit) => {
    const [row] = await tx.update(boardObjects).set({ ...body, updated_at: ctx.clock.now() })
      .where(eq(boardObjects.board_object_id, id)).returning();
    if (!row) throw notFound('board object', id);
    emit(objectEvent('patched', row, board));
    return row;
  });
}

export async function removeBoardObject(ctx: Ctx, id: string): Promise<BoardObjectRow> {
  const { board } = await getBoardObject(ctx, id);
  return transact(ctx, async (tx, emit) => {
    const [row] = await tx.delete(boardObjects).where(eq(boardObjects.board_object_id, id)).returning();
    if (!row) throw notFound('board object', id);
    emit(objectEvent('removed', row, board));
    return row;
  });
}
