import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Api } from '../../../test/support/daemon.js';
import { spawnDaemon } from '../../../test/support/daemon-process.js';
import { WsClient } from '../../../test/support/ws-client.js';

describe('a peer that stops answering pings', () => {
  it('is dropped after one missed pong, and the board hears that it left', async () => {
    await using daemon = await spawnDaemon({ AGOR_HOME: mkdtempSync(join(tmpdir(), 'agor-ping-')), AGOR_WS_PING_MS: '300' });
    const board = await new Api(() => daemon.url).ok('POST', '/boards', { name: 'b' });
    const watcher = await WsClient.connect(daemon.url);
    const ghost = await WsClient.connect(daemon.url);
    try {
      await watcher.subscribe(`boards/${board.board_id}`);
      ghost.send({ type: 'presence', boardId: board.board_id, state: 'active' });
      await watcher.next((f) => f.type === 'presence' && f.state === 'active', 'the ghost arriving');
      // Stop reading: pings go unanswered, as with a peer whose network vanished.
      (ghost.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const left = await watcher.next((f) => f.type === 'presence' && f.state === 'left', 'the ghost leaving', 5000);
      expect(left.boardId).toBe(board.board_id);
      const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
      expect(metrics).toMatch(/agor_ws_clients 1\b/);
    } finally {
      watcher.close();
      ghost.close();
    }
  });
});
