import { execFile } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { openStore, type StoreOptions } from './driver.js';

const run = promisify(execFile);

/** A PostgreSQL client tool (pg_dump, pg_restore) on PATH or in Debian's versioned folder. */
async function pgTool(name: string): Promise<string> {
  const found = await run('sh', ['-c', `command -v ${name} || ls /usr/lib/postgresql/*/bin/${name} 2>/dev/null | tail -1`]).then((r) => r.stdout.trim(), () => '');
  if (!found) throw new Error(`${name} is not installed: apt-get install postgresql-client`);
  return found;
}

/**
 * Writes a backup of the store to `file`: `pg_dump --format=custom` for PostgreSQL, PGlite's own data-dir dump
 * (tar.gz) for the embedded store (the daemon must be stopped: PGlite is single-process).
 */
export async function backupStore(options: StoreOptions, file: string): Promise<{ kind: 'postgres' | 'pglite'; bytes: number }> {
  if (options.databaseUrl) {
    await run(await pgTool('pg_dump'), ['--format=custom', '--no-owner', `--file=${file}`, options.databaseUrl]);
    return { kind: 'postgres', bytes: readFileSync(file).length };
  }
  if (!existsSync(options.dataDir)) throw new Error(`there is no database at ${options.dataDir}`);
  const pg = await PGlite.create(options.dataDir);
  try {
    const dump = await pg.dumpDataDir('gzip');
    const bytes = Buffer.from(await dump.arrayBuffer());
    writeFileSync(file, bytes);
    return { kind: 'pglite', bytes: bytes.length };
  } finally {
    await pg.close();
  }
}

/**
 * Replaces the store's contents with a backup, then migrates it to this version. The embedded store's old data
 * folder is kept beside it (`db.before-restore-<time>`), never deleted.
 */
export async function restoreStore(options: StoreOptions, file: string): Promise<{ kind: 'postgres' | 'pglite'; kept?: string }> {
  if (!existsSync(file)) throw new Error(`no backup at ${file}`);
  let kept: string | undefined;
  if (options.databaseUrl) {
    await run(await pgTool('pg_restore'), ['--clean', '--if-exists', '--no-owner', `--dbname=${options.databaseUrl}`, file]);
  } else {
    if (existsSync(options.dataDir)) {
      kept = `${options.dataDir}.before-restore-${Date.now()}`;
      renameSync(options.dataDir, kept);
    }
    const pg = await PGlite.create({ dataDir: options.dataDir, loadDataDir: new Blob([readFileSync(file)]) });
    await pg.close();
  }
  const store = await openStore(options);
  await store.close();
  return { kind: options.databaseUrl ? 'postgres' : 'pglite', kept };
}
