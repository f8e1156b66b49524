import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real git repository with one commit on `main`, for tests to register and branch from. */
export function makeGitRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agor-repo-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'README.md'), '# test repo\n');
  git('add', '.');
  git('-c', 'user.email=test@agor.dev', '-c', 'user.name=test', 'commit', '-q', '-m', 'init');
  return dir;
}
