import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineCommand } from 'citty';
import { CliError } from '../errors.js';
import { agorHome } from '../home.js';
import { jsonArg, print } from '../output.js';

/** The embedded store is single-process: backups and restores of it need the daemon stopped. */
function assertDaemonStopped(): void {
  const pidFile = join(agorHome(), 'daemon.pid');
  if (!existsSync(pidFile)) return;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8')), 0);
  } catch {
    return;
  }
  throw new CliError('the daemon is running on the embedded store: `agor daemon stop` first (PostgreSQL can be backed up live)');
}

async function storeOptions() {
  const { configFromEnv } = await import('@agor/daemon');
  const config = configFromEnv({ ...process.env, AGOR_HOME: agorHome() });
  return { databaseUrl: config.databaseUrl, dataDir: join(config.home, 'db') };
}

const backup = defineCommand({
  meta: { name: 'backup', description: 'Back up the database (pg_dump for PostgreSQL; a PGlite dump for the embedded store)' },
  args: { out: { type: 'string', description: 'file to write (default: $AGOR_HOME/backups/agor-<time>.dump)' }, ...jsonArg },
  async run({ args }) {
    const options = await storeOptions();
    if (!options.databaseUrl) assertDaemonStopped();
    const { mkdirSync } = await import('node:fs');
    const file = resolve(args.out ?? join(agorHome(), 'backups', `agor-${new Date().toISOString().replace(/[:.]/g, '-')}.dump`));
    mkdirSync(join(file, '..'), { recursive: true });
    const { backupStore } = await import('@agor/daemon');
    const result = await backupStore(options, file).catch((err: Error) => { throw new CliError(`backup failed: ${err.message}`); });
    print({ file, ...result }, args.json, [['FILE', (r: any) => r.file], ['STORE', (r: any) => r.kind], ['BYTES', (r: any) => r.bytes]]);
  },
});

const restore = defineCommand({
  meta: { name: 'restore', description: 'Restore the database from a backup, then migrate it (the daemon must be stopped)' },
  args: { file: { type: 'positional', required: true }, ...jsonArg },
  async run({ args }) {
    assertDaemonStopped();
    const { restoreStore } = await import('@agor/daemon');
    const result = await restoreStore(await storeOptions(), resolve(args.file)).catch((err: Error) => { throw new CliError(`restore failed: ${err.message}`); });
    print({ file: resolve(args.file), ...result }, args.json, [['RESTORED', (r: any) => r.file], ['STORE', (r: any) => r.kind], ['PREVIOUS DATA KEPT IN', (r: any) => r.kept]]);
  },
});

export default defineCommand({ meta: { name: 'db', description: 'Database backups' }, subCommands: { backup, restore } });
