import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';

/**
 * True when a Docker engine answers. Under CI its absence fails the run; elsewhere the caller skips, and we say why.
 */
export async function dockerAvailable(): Promise<boolean> {
  try {
    await new Docker().ping();
    return true;
  } catch {
    if (process.env.CI) throw new Error('a Docker engine is required under CI: install docker.io and start dockerd (.ci/run does both)');
    console.warn('[agor tests] no Docker engine answers: Docker executor tests are skipped (start dockerd to run them)');
    return false;
  }
}

/** `docker <args>`; returns stdout, or the error output when the command fails (assertions read both). */
export function docker(...args: string[]): { ok: boolean; out: string } {
  try {
    return { ok: true, out: execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** The running executor containers of one user. */
export function executorContainers(userId: string): string[] {
  return docker('ps', '-q', '--filter', `label=agor.user-id=${userId}`).out.split('\n').filter(Boolean);
}
