import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { simpleGit, type SimpleGitProgressEvent } from 'simple-git';
import { unprocessable } from '../core/errors.js';

// A clean environment: the daemon's own variables stay out of git. (git refuses ext:: by default; names.ts rejects it first.)
const ENV: Record<string, string> = Object.fromEntries(
  Object.entries({ PATH: process.env.PATH, HOME: process.env.HOME, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK, LANG: 'C' })
    .filter((e): e is [string, string] => typeof e[1] === 'string'),
);

function git(baseDir?: string, progress?: (e: SimpleGitProgressEvent) => void) {
  // Worktrees belong to the executors' uid; the daemon only reads them and runs worktree add/remove, no hooks.
  return simpleGit({ baseDir, progress, config: ['safe.directory=*'], timeout: { block: 10 * 60_000 } }).env(ENV);
}

/** The first line of git's own complaint, as the reason a user will read. */
function gitReason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('hint:'))[0] ?? 'git failed';
}

async function run<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw unprocessable(`${what}: ${gitReason(err)}`);
  }
}

/** Clones `url` bare into `dest`, reporting progress; removes the partial clone on failure. */
export async function cloneBare(url: string, dest: string, onProgress: (p: { stage: string; progress: number }) => void): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  try {
    await run(`cloning ${url} failed`, () => git(undefined, (e) => onProgress({ stage: e.stage, progress: e.progress }))
      .clone(url, dest, ['--bare', '--progress']));
  } catch (err) {
    await rm(dest, { recursive: true, force: true });
    throw err;
  }
}

/** The default branch of a repo (what HEAD points at). */
export async function defaultBranch(repoPath: string): Promise<string> {
  const head = await run('reading HEAD failed', () => git(repoPath).raw(['symbolic-ref', '--short', 'HEAD']));
  return head.trim();
}

/** True when `path` is a git repository (bare or not). */
export async function isRepository(path: string): Promise<boolean> {
  if (!existsSync(path)) return false;
  try {
    const out = await git(path).raw(['rev-parse', '--git-dir']);
    return out.trim().length > 0;
  } catch {
    return false;
  }
}

export async function branchExists(repoPath: string, branch: string): Promise<boolean> {
  const out = await run('listing branches failed', () => git(repoPath).raw(['branch', '--list', '--', branch]));
  return out.trim().length > 0;
}

/** `git worktree add`: a new branch from `startPoint`, or an existing branch checked out. */
export async function addWorktree(repoPath: string, path: string, opts: { newBranch: string; startPoint: string } | { branch: string }): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const args = 'newBranch' in opts
    ? ['worktree', 'add', '-b', opts.newBranch, '--', path, opts.startPoint]
    : ['worktree', 'add', '--', path, opts.branch];
  await run('creating the worktree failed', () => git(repoPath).raw(args));
}

export async function removeWorktree(repoPath: string, path: string, force: boolean): Promise<void> {
  await run('removing the worktree failed', () => git(repoPath).raw(['worktree', 'remove', ...(force ? ['--force'] : []), '--', path]));
}

export interface GitState {
  branch: string;
  sha: string;
  dirty: boolean;
}

/** Branch, HEAD sha and whether the tree has uncommitted changes. */
export async function readGitState(path: string): Promise<GitState> {
  const g = git(path);
  const [branch, sha, status] = await Promise.all([
    g.raw(['rev-parse', '--abbrev-ref', 'HEAD']),
    g.raw(['rev-parse', 'HEAD']),
    g.raw(['status', '--porcelain']),
  ]);
  return { branch: branch.trim(), sha: sha.trim(), dirty: status.trim().length > 0 };
}
