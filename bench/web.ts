/**
 * First load of the board with 200 sessions in Debian's Chromium: navigation → every card rendered (interactive),
 * plus the gzipped JS the page loaded. Run: `npm run build && npx tsx bench/web.ts`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch } from '../test/support/browser.js';
import { startTestDaemon } from '../test/support/daemon.js';
import { makeGitRepo } from '../test/support/git-repo.js';

const SESSIONS = 200;
const RUNS = Number(process.env.RUNS ?? 5);
await using t = await startTestDaemon();
const repo = await t.api.ok('POST', '/repos', { path: makeGitRepo() });
const wt = await t.api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'w' });
const board = await t.api.ok('POST', '/boards', { name: 'big board' });
for (let i = 0; i < SESSIONS; i++) await t.api.ok('POST', '/sessions', { worktree_id: wt.worktree_id, board_id: board.board_id, title: `Session ${i}` });
const assets = join(process.cwd(), 'web', 'dist', 'assets');
const js = readdirSync(assets).filter((f) => f.endsWith('.js')).reduce((n, f) => n + gzipSync(readFileSync(join(assets, f))).length, 0);
const browser = await launch();
const times: number[] = [];
try {
  for (let i = 0; i <= RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const start = performance.now();
    await page.goto(`${t.url}/?board=${board.board_id}`);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=session-card]').length >= n, SESSIONS, { timeout: 30_000 });
    if (i > 0) times.push(performance.now() - start);
    await context.close();
  }
} finally {
  await browser.close();
}
times.sort((a, b) => a - b);
console.log(`board first load, ${SESSIONS} sessions: navigation → all cards rendered p50 ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms (${RUNS} cold page loads); JS ${(js / 1024).toFixed(0)} KiB gzipped`);
