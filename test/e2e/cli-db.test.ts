import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agor } from '../support/cli.js';
import { Api, freshDatabase, storeKinds } from '../support/daemon.js';
import { freePort } from '../support/postgres-cluster.js';

describe.each(storeKinds())('agor db backup and restore on %s', (kind) => {
  it('restores what was there at backup time, and keeps the data it replaced', async () => {
    const env: Record<string, string> = { AGOR_HOME: mkdtempSync(join(tmpdir(), 'agor-db-')), PORT: String(await freePort()), AGOR_EXECUTOR_RUNTIME: 'process' };
    if (kind === 'postgres') env.DATABASE_URL = await freshDatabase();
    const api = new Api(() => `http://127.0.0.1:${env.PORT}`);
    const names = async () => (await api.ok('GET', '/boards')).data.map((b: { name: string }) => b.name).sort();
    const backupFile = join(env.AGOR_HOME, 'before.dump');
    expect((await agor(['daemon', 'start'], env)).code).toBe(0);
    await api.ok('POST', '/boards', { name: 'before' });
    if (kind === 'pglite') {
      const refused = await agor(['db', 'backup', '--out', backupFile], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/agor daemon stop` first/);
      expect((await agor(['daemon', 'stop'], env)).code).toBe(0);
    }
    const backup = await agor(['db', 'backup', '--out', backupFile, '--json'], env);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.json).toMatchObject({ kind, file: backupFile });
    expect(backup.json.bytes).toBeGreaterThan(1000);
    if (kind === 'pglite') expect((await agor(['daemon', 'start'], env)).code).toBe(0);
    await api.ok('POST', '/boards', { name: 'after' });
    expect(await names()).toEqual(['after', 'before']);
    expect((await agor(['daemon', 'stop'], env)).code).toBe(0);
    const restore = await agor(['db', 'restore', backupFile, '--json'], env);
    expect(restore.code, restore.stderr).toBe(0);
    if (kind === 'pglite') expect(restore.json.kept).toMatch(/db\.before-restore-\d+$/);
    expect((await agor(['daemon', 'start'], env)).code).toBe(0);
    try {
      expect(await names()).toEqual(['before']);
    } finally {
      await agor(['daemon', 'stop'], env);
    }
  });
});
