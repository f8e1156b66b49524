import { realpath } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { eq } from 'drizzle-orm';
import { type Ctx, actorUser, transact } from '../core/context.js';
import { conflict, invalid, notFound, unprocessable } from '../core/errors.js';
import { uuidv7 } from '../core/ids.js';
import { assertCloneUrl, slugify } from '../git/names.js';
import { cloneBare, defaultBranch, isRepository } from '../git/git.js';
import { RepoCreate, RepoPatch } from '../protocol/entities.js';
import { repos, worktrees, type RepoRow } from '../store/schema.js';
import { assertOwner } from './access.js';
import { serviceEvent } from './events.js';
import { findPage, parseFindQuery, type FindSpec } from './find.js';
import { isForeignKeyViolation } from './users.js';
import { parse } from './validate.js';

const spec: FindSpec = {
  service: 'repos',
  table: repos,
  columns: {
    slug: { column: repos.slug, kind: 'text' }, name: { column: repos.name, kind: 'text' },
    status: { column: repos.status, kind: 'text' }, created_by: { column: repos.created_by, kind: 'id' },
    created_at: { column: repos.created_at, kind: 'text', sortOnly: true },
  },
  defaultSort: [['created_at', 1]],
  tiebreak: repos.repo_id,
};

export const findRepos = (ctx: Ctx, query: Record<string, string[]>) => findPage<RepoRow>(ctx, spec, parseFindQuery(query, spec));

export async function getRepo(ctx: Ctx, id: string): Promise<RepoRow> {
  const [row] = await ctx.store.db.select().from(repos).where(eq(repos.repo_id, id));
  if (!row) throw notFound('repo', id);
  return row;
}

async function assertSlugFree(ctx: Ctx, slug: string): Promise<void> {
  const [taken] = await ctx.store.db.select({ id: repos.repo_id }).from(repos).where(eq(repos.slug, slug));
  if (taken) throw conflict(`a repo named ${slug} already exists; pass a different name`);
}

/**
 * `{url}` clones bare into `$AGOR_HOME/repos/<slug>`: the repo exists (status `cloning`) from the start so clients
 * can watch `repos patched` progress events; a failed clone removes it again. `{path}` registers a local repository.
 */
export async function createRepo(ctx: Ctx, input: unknown): Promise<RepoRow> {
  const body = parse(RepoCreate, input);
  const user = actorUser(ctx.actor);
  if (!user) throw invalid('repos are added by users');
  if ('url' in body) {
    const url = assertCloneUrl(body.url);
    const slug = slugify(body.name ?? url);
    await assertSlugFree(ctx, slug);
    const local_path = join(ctx.config.home, 'repos', slug);
    const repo = await transact(ctx, async (tx, emit) => {
      const [row] = await tx.insert(repos).values({
        repo_id: uuidv7(), name: body.name ?? slug, slug, remote_url: url, local_path, default_branch: 'main', status: 'cloning', created_by: user.user_id,
      }).returning();
      emit(serviceEvent('repos', 'created', row as RepoRow, []));
      return row as RepoRow;
    });
    let last = 0;
    try {
      await cloneBare(url, local_path, (p) => {
        const now = Date.now();
        if (now - last < 250 && p.progress < 100) return;
        last = now;
        ctx.hub.deliverLocal([serviceEvent('repos', 'patched', { ...repo, data: { ...repo.data, clone: p } }, [])]);
      });
    } catch (err) {
      await transact(ctx, async (tx, emit) => {
        await tx.delete(repos).where(eq(repos.repo_id, repo.repo_id));
        emit(serviceEvent('repos', 'removed', repo, []));
      });
      throw err;
    }
    const branch = await defaultBranch(local_path);
    return patchRow(ctx, repo.repo_id, { status: 'ready', default_branch: branch, data: { ...repo.data, clone: { stage: 'done', progress: 100 } } });
  }
  if (!isAbsolute(body.path)) throw invalid(`path must be absolute, got "${body.path}"`);
  const path = await realpath(body.path).catch(() => {
    throw unprocessable(`${body.path} does not exist on the daemon's machine`);
  });
  if (!(await isRepository(path))) throw unprocessable(`${path} is not a git repository`);
  const slug = slugify(body.name ?? path);
  await assertSlugFree(ctx, slug);
  const branch = await defaultBranch(path);
  return transact(ctx, async (tx, emit) => {
    const [row] = await tx.insert(repos).values({
      repo_id: uuidv7(), name: body.name ?? slug, slug, remote_url: null, local_path: path, default_branch: branch, status: 'ready', created_by: user.user_id,
    }).returning();
    emit(serviceEvent('repos', 'created', row as RepoRow, []));
    return row as RepoRow;
  });
}

async function patchRow(ctx: Ctx, id: string, fields: Partial<RepoRow>): Promise<RepoRow> {
  return transact(ctx, async (tx, emit) => {
    const [row] = await tx.update(repos).set({ ...fields, updated_at: ctx.clock.now() }).where(eq(repos.repo_id, id)).returning();
    if (!row) throw notFound('repo', id);
    emit(serviceEvent('repos', 'patched', row, []));
    return row;
  });
}

export async function patchRepo(ctx: Ctx, id: string, input: unknown): Promise<RepoRow> {
  const body = parse(RepoPatch, input);
  assertOwner(ctx.actor, (await getRepo(ctx, id)).created_by, 'repo');
  return patchRow(ctx, id, body);
}

/** Forgets a repo. Its worktrees must be removed first; files on disk are left in place. */
export async function removeRepo(ctx: Ctx, id: string): Promise<RepoRow> {
  assertOwner(ctx.actor, (await getRepo(ctx, id)).created_by, 'repo');
  return transact(ctx, async (tx, emit) => {
    const [wt] = await tx.select({ id: worktrees.worktree_id }).from(worktrees).where(eq(worktrees.repo_id, id)).limit(1);
    if (wt) throw conflict('this repo still has worktrees; remove them first');
    const [row] = await tx.delete(repos).where(eq(repos.repo_id, id)).returning().catch((err: unknown) => {
      throw isForeignKeyViolation(err) ? conflict('this repo is still referenced') : err;
    });
    if (!row) throw notFound('repo', id);
    emit(serviceEvent('repos', 'removed', row, []));
    return row;
  });
}
