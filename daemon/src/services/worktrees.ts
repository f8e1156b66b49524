import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { type Ctx, actorUser, transact } from '../core/context.js';
import { conflict, invalid, notFound } from '../core/errors.js';
import { uuidv7 } from '../core/ids.js';
import { addWorktree, branchExists, readGitState, removeWorktree } from '../git/git.js';
import { assertDirName, assertRefName } from '../git/names.js';
import { WorktreeCreate, WorktreePatch } from '../protocol/entities.js';
import { sessions, worktrees, type WorktreeRow } from '../store/schema.js';
import { assertOwner } from './access.js';
import { serviceEvent } from './events.js';
import { findPage, parseFindQuery, type FindSpec } from './find.js';
import { getRepo } from './repos.js';
import { parse } from './validate.js';

const spec: FindSpec = {
  service: 'worktrees',
  table: worktrees,
  columns: {
    repo_id: { column: worktrees.repo_id, kind: 'id' }, name: { column: worktrees.name, kind: 'text' },
    branch: { column: worktrees.branch, kind: 'text' }, created_by: { column: worktrees.created_by, kind: 'id' },
    created_at: { column: worktrees.created_at, kind: 'text', sortOnly: true },
  },
  defaultSort: [['created_at', 1]],
  tiebreak: worktrees.worktree_id,
};

const channels = (w: WorktreeRow) => [`worktrees/${w.worktree_id}`];

export const findWorktrees = (ctx: Ctx, query: Record<string, string[]>) => findPage<WorktreeRow>(ctx, spec, parseFindQuery(query, spec));

export async function getWorktree(ctx: Ctx, id: string): Promise<WorktreeRow> {
  const [row] = await ctx.store.db.select().from(worktrees).where(eq(worktrees.worktree_id, id));
  if (!row) throw notFound('worktree', id);
  return row;
}

/** Creates `$AGOR_HOME/worktrees/<repo>/<name>`: a new branch (default: the name) from `ref`, or an existing branch. */
export async function createWorktree(ctx: Ctx, input: unknown): Promise<WorktreeRow> {
  const body = parse(WorktreeCreate, input);
  const user = actorUser(ctx.actor);
  if (!user) throw invalid('worktrees are created by users');
  const name = assertDirName(body.name, 'worktree name');
  const repo = await getRepo(ctx, body.repo_id);
  if (repo.status !== 'ready') throw conflict(`repo ${repo.name} is still ${repo.status}; wait until it is ready`);
  const [taken] = await ctx.store.db.select({ id: worktrees.worktree_id }).from(worktrees)
    .where(and(eq(worktrees.repo_id, repo.repo_id), eq(worktrees.name, name)));
  if (taken) throw conflict(`repo ${repo.name} already has a worktree named ${name}`);
  const path = join(ctx.config.home, 'worktrees', repo.slug, name);
  if (existsSync(path)) throw conflict(`${path} already exists on disk; pick another name or remove it`);

  let branch: string;
  if (body.new_branch === false) {
    branch = assertRefName(body.ref ?? name, 'branch');
    if (!(await branchExists(repo.local_path, branch))) throw invalid(`branch ${branch} does not exist in ${repo.name}; omit new_branch to create it`);
    await addWorktree(repo.local_path, path, { branch });
  } else {
    branch = assertRefName(typeof body.new_branch === 'string' ? body.new_branch : name, 'new branch');
    const startPoint = assertRefName(body.ref ?? repo.default_branch, 'ref');
    if (await branchExists(repo.local_path, branch)) throw (conflict(`branch ${branch} already exists in ${repo.name}; pass new_branch: false to check it out`));
    await addWorktree(repo.local_path, path, { newBranch: branch, startPoint });
  }
  const state = await readGitState(path);
  try {
    return await transact(ctx, async (tx, emit) => {
      const [row] = await tx.insert(worktrees).values({
        worktree_id: uuidv7(), repo_id: repo.repo_id, name, path, branch, created_by: user.user_id,
        git_state: { ...state, refreshed_at: ctx.clock.now().toISOString() },
      }).returning();
      emit(serviceEvent('worktrees', 'created', row as WorktreeRow, channels(row as WorktreeRow)));
      return row as WorktreeRow;
    });
  } catch (err) {
    await removeWorktree(repo.local_path, path, true).catch(() => {});
    throw err;
  }
}

export async function patchWorktree(ctx: Ctx, id: string, input: unknown): Promise<WorktreeRow> {
  const body = parse(WorktreePatch, input);
  assertOwner(ctx.actor, (await getWorktree(ctx, id)).created_by, 'worktree');
  return updateWorktree(ctx, id, body);
}

async function updateWorktree(ctx: Ctx, id: string, fields: Partial<WorktreeRow>): Promise<WorktreeRow> {
  return transact(ctx, async (tx, emit) => {
    const [row] = await tx.update(worktrees).set({ ...fields, updated_at: ctx.clock.now() }).where(eq(worktrees.worktree_id, id)).returning();
    if (!row) throw notFound('worktree', id);
    emit(serviceEvent('worktrees', 'patched', row, channels(row)));
    return row;
  });
}

/** Re-reads branch, HEAD and dirtiness from disk and stores them. */
export async function refreshGitState(ctx: Ctx, id: string): Promise<WorktreeRow> {
  const wt = await getWorktree(ctx, id);
  const state = await readGitState(wt.path);
  return updateWorktree(ctx, id, { git_state: { ...state, refreshed_at: ctx.clock.now().toISOString() } });
}

/**
 * Removes the git worktree and its record. Refuses while a session runs in it or while it has uncommitted
 * changes, unless forced; the branch (and so every commit) is always kept.
 */
export async function removeWorktreeAction(ctx: Ctx, id: string, force: boolean): Promise<WorktreeRow> {
  const wt = await getWorktree(ctx, id);
  assertOwner(ctx.actor, wt.created_by, 'worktree');
  const [busy] = await ctx.store.db.select({ id: sessions.session_id }).from(sessions)
    .where(and(eq(sessions.worktree_id, id), inArray(sessions.status, ['running', 'awaiting_permission']))).limit(1);
  if (busy && !force) throw conflict(`session ${busy.id} is running in this worktree; stop it first or pass force=true`);
  if (existsSync(wt.path)) {
    const state = await readGitState(wt.path);
    if (state.dirty && !force) throw conflict('the worktree has uncommitted changes; commit them or pass force=true to discard them');
    const repo = await getRepo(ctx, wt.repo_id);
    await removeWorktree(repo.local_path, wt.path, force);
  }
  return transact(ctx, async (tx, emit) => {
    const gone = await tx.delete(sessions).where(eq(sessions.worktree_id, id)).returning();
    for (const s of gone) emit(serviceEvent('sessions', 'removed', s, [`sessions/${s.session_id}`, `worktrees/${id}`]));
    const [row] = await tx.delete(worktrees).where(eq(worktrees.worktree_id, id)).returning();
    if (!row) throw notFound('worktree', id);
    emit(serviceEvent('worktrees', 'removed', row, channels(row)));
    return row;
  });
}
