/**
 * One REST patch fanned out to 1,000 WebSocket clients subscribed to the board: delivery latency (patch sent →
 * frame received) p50/p99 over 20 patches, and the daemon's RSS. Run: `npm run build && npx tsx bench/ws-fanout.ts`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Api } from '../test/support/daemon.js';
import { spawnDaemon } from '../test/support/daemon-process.js';
import { makeGitRepo } from '../test/support/git-repo.js';

const CLIENTS = Number(process.env.CLIENTS ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 20);

const daemon = await spawnDaemon({ AGOR_HOME: mkdtempSync(join(tmpdir(), 'agor-fanout-')) });
try {
  const api = new Api(() => daemon.url);
  const repo = await api.ok('POST', '/repos', { path: makeGitRepo() });
  const wt = await api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'w' });
  const board = await api.ok('POST', '/boards', { name: 'fanout' });
  const session = await api.ok('POST', '/sessions', { worktree_id: wt.worktree_id, board_id: board.board_id });
  const rssIdle = await daemon.rssMiB();

  let onFrame: (title: string) => void = () => {};
  const sockets: WebSocket[] = [];
  for (let i = 0; i < CLIENTS; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, CLIENTS - i) }, () => new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`${daemon.url.replace('http', 'ws')}/ws`);
      ws.on('message', (data) => {
        const f = JSON.parse(data.toString());
        if (f.type === 'ready') ws.send(JSON.stringify({ type: 'subscribe', channels: [`boards/${board.board_id}`] }));
        else if (f.type === 'subscribed') resolve();
        else if (f.type === 'event' && f.service === 'sessions') onFrame(f.data.title);
      });
      ws.on('error', reject);
      sockets.push(ws);
    })));
  }
  const rssConnected = await daemon.rssMiB();

  const latencies: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const title = `round ${round}`;
    let received = 0;
    const done = new Promise<void>((resolve) => {
      onFrame = (t) => {
        if (t !== title) return;
        latencies.push(performance.now() - start);
        if (++received === CLIENTS) resolve();
      };
    });
    const start = performance.now();
    await api.ok('PATCH', `/sessions/${session.session_id}`, { title });
    await done;
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
  console.log(`ws fan-out  ${CLIENTS} clients × ${ROUNDS} patches  delivery p50 ${pct(50)} ms  p99 ${pct(99)} ms  max ${pct(100)} ms`);
  console.log(`daemon RSS  idle ${rssIdle.toFixed(0)} MiB  with ${CLIENTS} clients ${rssConnected.toFixed(0)} MiB  after ${(await daemon.rssMiB()).toFixed(0)} MiB`);
  for (const ws of sockets) ws.terminate();
} finally {
  await daemon.kill();
}
