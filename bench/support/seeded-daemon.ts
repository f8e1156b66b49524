/**
 * Child process for benchmarks: starts a daemon (PGlite, or PostgreSQL when DATABASE_URL is set), seeds
 * SESSIONS sessions on one board, and prints one JSON line `{url, boardId, sessionId}`; runs until killed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { Config, withBindRules } from '../../daemon/src/core/config.js';
import { uuidv7 } from '../../daemon/src/core/ids.js';
import { startDaemon } from '../../daemon/src/daemon.js';
import { boards, repos, sessions, worktrees } from '../../daemon/src/store/schema.js';

const count = Number(process.env.SESSIONS ?? 10_000);
const home = mkdtempSync(join(tmpdir(), 'agor-bench-'));
const config = withBindRules(Config.parse({ home, port: 0, databaseUrl: process.env.DATABASE_URL || undefined, logLevel: 'silent' }));
const daemon = await startDaemon({ config, log: pino({ level: 'silent' }) });
const db = daemon.store.db;
const user = daemon.deps.localUser.user_id;
const repoId = uuidv7();
await db.insert(repos).values({ repo_id: repoId, name: 'bench', slug: 'bench', local_path: home, default_branch: 'main', created_by: user });
const worktreeId = uuidv7();
await db.insert(worktrees).values({ worktree_id: worktreeId, repo_id: repoId, name: 'wt', path: home, branch: 'wt', created_by: user });
const boardId = uuidv7();
await db.insert(boards).values({ board_id: boardId, name: 'bench', created_by: user });
const ids: string[] = [];
for (let i = 0; i < count; i += 1000) {
  const rows = Array.from({ length: Math.min(1000, count - i) }, (_, j) => {
    const id = uuidv7();
    ids.push(id);
    return { session_id: id, worktree_id: worktreeId, board_id: boardId, title: `session ${i + j}`, created_by: user, data: { note: 'x'.repeat(64) } };
  });
  await db.insert(sessions).values(rows);
}
// A live database has been analyzed by autovacuum; a freshly seeded one has not.
await db.execute(sql`vacuum analyze sessions`);
process.stdout.write(`${JSON.stringify({ url: daemon.url, boardId, sessionId: ids[Math.floor(ids.length / 2)], pid: process.pid })}\n`);
process.on('SIGTERM', () => void daemon.close().then(() => process.exit(0)));
