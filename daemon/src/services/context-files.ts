import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { Ctx } from '../core/context.js';
import { invalid, notFound } from '../core/errors.js';
import { getWorktree } from './worktrees.js';

const MAX_FILE = 1024 * 1024;
const MAX_LIST = 2000;

/** The root a context request reads from: `$AGOR_HOME/context`, or a worktree's `context/` folder. */
async function rootFor(ctx: Ctx, worktreeId: string | undefined): Promise<string> {
  if (!worktreeId) return join(ctx.config.home, 'context');
  return join((await getWorktree(ctx, worktreeId)).path, 'context');
}

/**
 * Resolves `rel` under `root` and proves it stays there: no absolute paths, no `..`, and no symlink that
 * points outside (checked on the real path).
 */
async function resolveInside(root: string, rel: string): Promise<string> {
  if (isAbsolute(rel) || rel.split(/[\\/]/).some((p) => p === '..') || rel.includes('\0')) {
    throw invalid(`context path "${rel}" must be relative and stay inside the context folder`);
  }
  const realRoot = await realpath(root).catch(() => null);
  if (!realRoot) throw notFound('context file', rel);
  const real = await realpath(join(realRoot, rel)).catch(() => null);
  if (!real) throw notFound('context file', rel);
  const r = relative(realRoot, real);
  if (r.startsWith('..') || isAbsolute(r)) throw invalid(`context path "${rel}" leads outside the context folder`);
  return real;
}

/** Lists the markdown and text files of a context folder (recursively, relative paths). */
export async function listContext(ctx: Ctx, worktreeId?: string) {
  const root = await rootFor(ctx, worktreeId);
  const realRoot = await realpath(root).catch(() => null);
  const data: Array<{ path: string; size: number }> = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (data.length >= MAX_LIST || entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) data.push({ path: relative(realRoot as string, full).split(sep).join('/'), size: (await lstat(full)).size });
    }
  }
  if (realRoot) await walk(realRoot);
  return { total: data.length, limit: data.length, skip: 0, data };
}

export async function readContext(ctx: Ctx, rel: string, worktreeId?: string) {
  const file = await resolveInside(await rootFor(ctx, worktreeId), rel);
  const info = await lstat(file);
  if (!info.isFile()) throw notFound('context file', rel);
  if (info.size > MAX_FILE) throw invalid(`context file ${rel} is larger than 1 MiB`);
  return { path: rel, size: info.size, content: await readFile(file, 'utf8') };
}
