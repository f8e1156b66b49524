import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../daemon/dist/main.js', import.meta.url));

/** A daemon in its own process (the built `daemon/dist/main.js`), as `npm start` runs it. */
export interface DaemonProcess extends AsyncDisposable {
  url: string;
  pid: number;
  child: ChildProcess;
  rssMiB(): Promise<number>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function spawnDaemon(env: Record<string, string>): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', PORT: '0', ...env, AGOR_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not start in 20 s: ${stderr.join('')}`)), 20_000);
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { url?: string; msg?: string };
        if (entry.msg === 'agor daemon listening' && entry.url) { clearTimeout(timer); resolve(entry.url); }
      } catch { /* not a log line */ }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`daemon exited with ${code}: ${stderr.join('')}`)); });
  });
  lines.removeAllListeners('line');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url, pid: child.pid as number, child, kill,
    async rssMiB() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024;
    },
    [Symbol.asyncDispose]: () => kill(),
  };
}
