import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';
import type { TestProject } from 'vitest/node';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

let cluster: PostgresCluster | null = null;

/** Starts one PostgreSQL cluster for the whole run; tests each create their own database in it. */
export async function setup(project: TestProject): Promise<void> {
  let url = process.env.AGOR_TEST_DATABASE_URL ?? '';
  if (!url) {
    cluster = await startPostgresCluster();
    url = cluster?.url ?? '';
  }
  if (!url && process.env.CI) throw new Error('PostgreSQL is required under CI: install postgresql (initdb, pg_ctl) or set AGOR_TEST_DATABASE_URL');
  if (!url) console.warn('[agor tests] PostgreSQL server binaries not found: the PostgreSQL variants of the store tests are skipped (install postgresql to run them)');
  project.provide('postgresUrl', url);
  // Docker tests must run the executor as built from this checkout, not a stale image.
  if (await new Docker().ping().then(() => true, () => false)) {
    execFileSync('deploy/build-executor-image.sh', { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

export async function teardown(): Promise<void> {
  cluster?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
