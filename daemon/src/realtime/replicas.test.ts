import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { Api, freshDatabase } from '../../../test/support/daemon.js';
import { spawnDaemon } from '../../../test/support/daemon-process.js';
import { makeGitRepo } from '../../../test/support/git-repo.js';
import { WsClient } from '../../../test/support/ws-client.js';

const hasPostgres = !!inject('postgresUrl');

describe.skipIf(!hasPostgres)('two daemon processes on one PostgreSQL', () => {
  it('deliver a session created through daemon 1 to a websocket client of daemon 2, large payloads included', async () => {
    const databaseUrl = await freshDatabase();
    const env = (name: string) => ({ DATABASE_URL: databaseUrl, AGOR_HOME: mkdtempSync(join(tmpdir(), `agor-${name}-`)), AGOR_DAEMON_ID: name });
    await using one = await spawnDaemon(env('replica-1'));
    await using two = await spawnDaemon(env('replica-2'));
    const api1 = new Api(() => one.url);
    const client = await WsClient.connect(two.url);
    try {
      await client.subscribe('*');
      const repo = await api1.ok('POST', '/repos', { path: makeGitRepo() });
      const wt = await api1.ok('POST', '/worktrees', { repo_id: repo.repo_id, name: 'w' });
      const session = await api1.ok('POST', '/sessions', { worktree_id: wt.worktree_id, title: 'from replica 1' });
      const created = await client.next((f) => f.service === 'sessions' && f.event === 'created', 'the session created on replica 1');
      expect(created.data).toMatchObject({ session_id: session.session_id, title: 'from replica 1' });

      // Over NOTIFY's 8,000-byte limit: sent by reference and read back by replica 2.
      const big = 'x'.repeat(20_000);
      await api1.ok('PATCH', `/sessions/${session.session_id}`, { data: { notes: big } });
      const patched = await client.next((f) => f.service === 'sessions' && f.event === 'patched', 'the large patch');
      expect(patched.data.data.notes).toBe(big);

      // Commit order per entity holds across replicas.
      for (let i = 0; i < 10; i++) await api1.ok('PATCH', `/sessions/${session.session_id}`, { title: `v${i}` });
      await client.next((f) => f.service === 'sessions' && f.data.title === 'v9', 'the last patch');
      const titles = client.events('sessions', 'patched').map((f) => f.data.title).filter((x: string) => /^v\d$/.test(x));
      expect(titles).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9']);
      expect(client.events('sessions', 'created')).toHaveLength(1);
    } finally {
      client.close();
    }
  });
});
