import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { type Ctx, transact } from '../core/context.js';
import { conflict, forbidden, invalid, notFound } from '../core/errors.js';
import { TaskStatus } from '../protocol/common.js';
import { Usage } from '../protocol/entities.js';
import type { Tx } from '../store/driver.js';
import { sessions, tasks, type TaskRow } from '../store/schema.js';
import { boardAudience, boardOfSession, readableSession, readableSessionsSql, sessionChannels, writableSession } from './access.js';
import { serviceEvent } from './events.js';
import { findPage, parseFindQuery, type FindSpec } from './find.js';
import { parse } from './validate.js';

const spec: FindSpec = {
  service: 'tasks',
  table: tasks,
  columns: {
    session_id: { column: tasks.session_id, kind: 'id' }, status: { column: tasks.status, kind: 'text' },
    created_by: { column: tasks.created_by, kind: 'id' }, created_at: { column: tasks.created_at, kind: 'text', sortOnly: true },
  },
  defaultSort: [['created_at', 1]],
  tiebreak: tasks.task_id,
};

export function findTasks(ctx: Ctx, query: Record<string, string[]>) {
  const q = parseFindQuery(query, spec);
  const readable = readableSessionsSql(ctx.store.db, ctx.actor);
  const access = readable ? [inArray(tasks.session_id, ctx.store.db.select({ id: sessions.session_id }).from(sessions).where(readable))] : [];
  return findPage<TaskRow>(ctx, spec, q, access);
}

export async function getTask(ctx: Ctx, id: string): Promise<TaskRow> {
  const [row] = await ctx.store.db.select().from(tasks).where(eq(tasks.task_id, id));
  if (!row) throw notFound('task', id);
  await readableSession(ctx.store.db, ctx.actor, row.session_id).catch(() => {
    throw notFound('task', id);
  });
  return row;
}

export const TaskPatch = z.strictObject({
  status: TaskStatus.optional(), error: z.string().max(10000).nullable().optional(), usage: Usage.optional(), data: z.record(z.string(), z.unknown()).optional(),
});

/** Which status a task may move to from where it is: a finished task never changes again. */
const NEXT: Record<string, string[]> = {
  created: ['running', 'failed', 'stopped'],
  running: ['awaiting_permission', 'completed', 'failed', 'stopped'],
  awaiting_permission: ['running', 'failed', 'stopped', 'completed'],
  completed: [], failed: [], stopped: [],
};

/** Status changes come from the daemon and executors, never from a browser: tasks report what an agent did. */
export async function patchTask(ctx: Ctx, id: string, input: unknown): Promise<TaskRow> {
  const body = parse(TaskPatch, input);
  if (ctx.actor.kind === 'user' || ctx.actor.kind === 'mcp') throw forbidden('tasks are updated by the executor running them; stop a task with POST /sessions/:id/stop');
  return transact(ctx, (tx, emit) => updateTask(ctx, tx, emit, id, body));
}

/** Applies a task patch inside `tx`, enforcing the status machine and the executor's session binding. */
export async function updateTask(ctx: Ctx, tx: Tx, emit: (m: ReturnType<typeof serviceEvent>) => void, id: string, body: z.infer<typeof TaskPatch>): Promise<TaskRow> {
  const [current] = await tx.select().from(tasks).where(eq(tasks.task_id, id)).for('update');
  if (!current) throw notFound('task', id);
  if (ctx.actor.kind === 'executor' && ctx.actor.sessionId !== current.session_id) throw forbidden(`this executor's token is bound to session ${ctx.actor.sessionId}`);
  if (body.status && body.status !== current.status && !NEXT[current.status]?.includes(body.status)) {
    throw invalid(`a task cannot go from ${current.status} to ${body.status}`);
  }
  const now = ctx.clock.now();
  const finished = body.status && ['completed', 'failed', 'stopped'].includes(body.status);
  const [row] = await tx.update(tasks).set({
    ...body,
    ...(body.status === 'running' && !current.started_at ? { started_at: now } : {}),
    ...(finished ? { completed_at: now } : {}),
    updated_at: now,
  }).where(eq(tasks.task_id, id)).returning();
  const [session] = await tx.select().from(sessions).where(eq(sessions.session_id, current.session_id));
  if (session) emit(serviceEvent('tasks', 'patched', row as TaskRow, sessionChannels(session), boardAudience(await boardOfSession(tx, session))));
  return row as TaskRow;
}

export const PermissionAnswer = z.strictObject({ allow: z.boolean(), remember: z.boolean().optional() });

/** `POST /tasks/:id/permission`: the session's owner allows or denies the tool the agent is waiting on. */
export async function answerPermission(ctx: Ctx, id: string, input: unknown): Promise<TaskRow> {
  const body = parse(PermissionAnswer, input);
  const task = await getTask(ctx, id);
  await writableSession(ctx.store.db, ctx.actor, task.session_id);
  if (task.status !== 'awaiting_permission' || !ctx.tasks) throw conflict('this task is not waiting for a permission answer');
  await ctx.tasks.answerPermission(ctx, id, body.allow, body.remember ?? false);
  return getTask(ctx, id);
}
