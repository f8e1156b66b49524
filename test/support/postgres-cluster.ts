import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway PostgreSQL cluster on a loopback port (initdb + pg_ctl), as CI and developers' machines run it. */
export interface PostgresCluster {
  url: string;
  stop(): void;
}

function which(bin: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v ${bin} || ls /usr/lib/postgresql/*/bin/${bin} 2>/dev/null | tail -1`], { encoding: 'utf8' });
  const path = found.stdout.trim().split('\n').pop();
  return path ? path : null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Starts a cluster, or returns null when PostgreSQL's server binaries are not installed. */
export async function startPostgresCluster(): Promise<PostgresCluster | null> {
  const initdb = which('initdb');
  const pgCtl = which('pg_ctl');
  if (!initdb || !pgCtl) return null;
  const dir = mkdtempSync(join(tmpdir(), 'agor-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  // initdb refuses to run as root; run the server as nobody when we are root.
  const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  const run = (args: string[]) => {
    const [cmd, ...rest] = [...asUser, ...args];
    execFileSync(cmd as string, rest, { stdio: 'pipe' });
  };
  run([initdb, '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  run([pgCtl, '-D', data, '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        run([pgCtl, '-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
