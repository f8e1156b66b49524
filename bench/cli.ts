/**
 * `agor session list --json` over 10,000 sessions: wall time of the real CLI binary (process start to exit)
 * against a seeded daemon in its own process. Run: `npm run build && npx tsx bench/cli.ts`.
 */
import { agor } from '../test/support/cli.js';
import { spawnJsonChild } from './support/child.js';

const RUNS = Number(process.env.RUNS ?? 10);
const { child, info } = await spawnJsonChild<{ url: string }>(new URL('./support/seeded-daemon.ts', import.meta.url).pathname, { DATABASE_URL: '' });
try {
  const env = { AGOR_URL: info.url, AGOR_HOME: '/tmp/agor-bench-cli' };
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const start = performance.now();
    const r = await agor(['session', 'list', '--json'], env);
    if (r.code !== 0 || r.json.total !== 10_000) throw new Error(`unexpected: ${r.code} ${r.stderr} total=${r.json?.total}`);
    if (i > 0) times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(0);
  console.log(`agor session list --json over 10,000 sessions (PGlite)  p50 ${pct(50)} ms  max ${pct(100)} ms  (${RUNS} runs, whole CLI process)`);
} finally {
  child.kill('SIGTERM');
}
