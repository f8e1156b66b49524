/**
 * REST throughput: `GET /sessions?board_id=…` (first page of 10,000 sessions) and `GET /sessions/:id`, on PGlite
 * and on PostgreSQL, with the daemon in its own process. Run: `npx tsx bench/rest.ts` (PostgreSQL needs initdb/pg_ctl).
 */
import autocannon from 'autocannon';
import { startPostgresCluster } from '../test/support/postgres-cluster.js';
import { rssMiB, spawnJsonChild } from './support/child.js';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

async function run(label: string, databaseUrl = ''): Promise<void> {
  const { child, info } = await spawnJsonChild<{ url: string; boardId: string; sessionId: string; pid: number }>(
    new URL('./support/seeded-daemon.ts', import.meta.url).pathname, { DATABASE_URL: databaseUrl },
  );
  try {
    for (const [name, path] of [['first page of 10,000 sessions', `/sessions?board_id=${info.boardId}`], ['one session', `/sessions/${info.sessionId}`]] as const) {
      await autocannon({ url: `${info.url}${path}`, connections: CONNECTIONS, duration: 2 });
      const r = await autocannon({ url: `${info.url}${path}`, connections: CONNECTIONS, duration: DURATION });
      console.log(`${label.padEnd(9)} ${name.padEnd(30)} ${Math.round(r.requests.average).toString().padStart(6)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  errors ${r.errors + r.non2xx}  daemon RSS ${await rssMiB(info.pid)} MiB`);
    }
  } finally {
    child.kill('SIGTERM');
  }
}

await run('pglite');
const cluster = await startPostgresCluster();
if (cluster) {
  try {
    await run('postgres', cluster.url);
  } finally {
    cluster.stop();
  }
} else {
  console.log('postgres  skipped: initdb/pg_ctl not found');
}
