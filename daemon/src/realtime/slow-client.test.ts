import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Api } from '../../../test/support/daemon.js';
import { spawnDaemon } from '../../../test/support/daemon-process.js';
import { makeGitRepo } from '../../../test/support/git-repo.js';
import { WsClient } from '../../../test/support/ws-client.js';

describe('a client that stops reading', () => {
  it('is cut off with a reason while the daemon’s memory stays flat and other clients keep receiving', async () => {
    await using daemon = await spawnDaemon({ AGOR_HOME: mkdtempSync(join(tmpdir(), 'agor-slow-')) });
    const api = new Api(() => daemon.url);
    const repo = await api.ok('POST', '/repos', { path: makeGitRepo() });
    const wt = await api.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'w' });
    const session = await api.ok('POST', '/sessions', { worktree_id: wt.worktree_id });
    const stalled = await WsClient.connect(daemon.url);
    const healthy = await WsClient.connect(daemon.url);
    try {
      await stalled.subscribe('*');
      await healthy.subscribe(`sessions/${session.session_id}`);
      // Stop reading: the kernel buffers fill, then the daemon's queue for this client grows.
      (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const payload = 'y'.repeat(512 * 1024);
      await api.ok('PATCH', `/sessions/${session.session_id}`, { data: { blob: payload, i: -1 } });
      const before = await daemon.rssMiB();
      // 200 events of 512 KiB: 100 MiB the daemon would hold for the stalled client without a bound.
      for (let i = 0; i < 200; i++) await api.ok('PATCH', `/sessions/${session.session_id}`, { data: { blob: payload, i } });
      await healthy.next((f) => f.service === 'sessions' && f.data.data.i === 199, 'the last event on the healthy client', 20_000);
      const after = await daemon.rssMiB();
      const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
      expect(metrics).toMatch(/agor_ws_slow_disconnects_total 1\b/);
      expect(metrics).toMatch(/agor_ws_clients 1\b/);
      expect(after - before, `daemon RSS grew from ${before.toFixed(0)} to ${after.toFixed(0)} MiB`).toBeLessThan(60);
    } finally {
      stalled.close();
      healthy.close();
    }
  });
});
