import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { freshDatabase, storeKinds } from '../../../test/support/daemon.js';
import { openStore } from './driver.js';

describe.each(storeKinds())('the store on %s', (kind) => {
  it('migrates at open, and refuses a database migrated by a newer Agor', async () => {
    const options = { dataDir: join(mkdtempSync(join(tmpdir(), 'agor-store-')), 'db'), databaseUrl: kind === 'postgres' ? await freshDatabase() : undefined };
    const store = await openStore(options);
    const tables = await store.db.execute(sql`select count(*)::int as n from information_schema.tables where table_name in ('sessions','messages','daemon_leases','user_credentials')`);
    expect(JSON.stringify(tables)).toContain('"n":4');
    await store.db.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('from-the-future', ${Date.now() + 10 ** 9})`);
    await store.close();
    await expect(openStore(options)).rejects.toThrow(/migrated by a newer version of Agor; upgrade Agor, or restore a backup/);
  });
});
