import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineCommand } from 'citty';
import { CliError } from '../errors.js';
import { agorHome, daemonUrl } from '../home.js';
import { jsonArg, print, progress, progressDone } from '../output.js';

const pidFile = () => join(agorHome(), 'daemon.pid');
const logFile = () => join(agorHome(), 'daemon.log');

function runningPid(): number | null {
  if (!existsSync(pidFile())) return null;
  const pid = Number(readFileSync(pidFile(), 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    rmSync(pidFile(), { force: true });
    return null;
  }
}

async function health(url: string): Promise<Record<string, unknown> | null> {
  try {
    const res = await fetch(`${url}/health`);
    return res.ok ? ((await res.json()) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const start = defineCommand({
  meta: { name: 'start', description: 'Start the daemon in the background (pid and log in $AGOR_HOME), or in the foreground' },
  args: { port: { type: 'string', description: 'port (default: $PORT, the config, or 3030)' }, foreground: { type: 'boolean', default: false, description: 'stay attached to the terminal' }, ...jsonArg },
  async run({ args }) {
    const env = { ...process.env, AGOR_HOME: agorHome(), ...(args.port ? { PORT: args.port } : {}) };
    if (args.foreground) {
      // The daemon's code loads only for the command that runs it: every other command starts fast.
      const { configFromEnv, startDaemon } = await import('@agor/daemon');
      let daemon;
      try {
        daemon = await startDaemon({ config: configFromEnv(env) });
      } catch (err) {
        const cause = (err as { cause?: { message?: string } }).cause?.message;
        throw new CliError(`the daemon could not start: ${(err as Error).message.split('\n')[0]}${cause ? ` (${cause})` : ''}`);
      }
      process.stderr.write(`agor daemon listening on ${daemon.url} (store: ${daemon.store.kind})\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await daemon.close();
      return;
    }
    const existing = runningPid();
    if (existing) throw new CliError(`the daemon is already running (pid ${existing}); \`agor daemon stop\` first`);
    mkdirSync(agorHome(), { recursive: true });
    const url = args.port ? `http://127.0.0.1:${args.port}` : daemonUrl();
    const log = openSync(logFile(), 'a');
    const main = fileURLToPath(import.meta.resolve('@agor/daemon/main'));
    const child = spawn(process.execPath, [main], { env, detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    writeFileSync(pidFile(), String(child.pid));
    child.unref();
    const say = progress(args.json);
    for (let i = 0; i < 150; i++) {
      say(`starting the daemon… ${(i / 10).toFixed(1)} s`);
      const h = await health(url);
      if (h) {
        progressDone(args.json);
        return print({ pid: child.pid, url, log: logFile(), ...h }, args.json, [['PID', (r: any) => r.pid], ['URL', (r: any) => r.url], ['STORE', (r: any) => r.store], ['ISOLATION', (r: any) => r.isolation], ['LOG', (r: any) => r.log]]);
      }
      if (child.exitCode !== null || !runningPid()) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    progressDone(args.json);
    throw new CliError(`the daemon did not become healthy at ${url}; see ${logFile()}`);
  },
});

const stop = defineCommand({
  meta: { name: 'stop', description: 'Stop the background daemon' }, args: { ...jsonArg },
  async run({ args }) {
    const pid = runningPid();
    if (!pid) throw new CliError('the daemon is not running (no live pid in $AGOR_HOME/daemon.pid)');
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && runningPid(); i++) await new Promise((r) => setTimeout(r, 100));
    if (runningPid()) throw new CliError(`the daemon (pid ${pid}) did not stop within 10 s; kill it with \`kill -9 ${pid}\``);
    rmSync(pidFile(), { force: true });
    print({ stopped: pid }, args.json, [['STOPPED', (r: any) => `pid ${r.stopped}`]]);
  },
});

const status = defineCommand({
  meta: { name: 'status', description: 'Is the daemon running, and healthy?' }, args: { ...jsonArg },
  async run({ args }) {
    const url = daemonUrl();
    const h = await health(url);
    const result = { running: !!h, pid: runningPid(), url, ...(h ?? {}) };
    print(result, args.json, [['RUNNING', (r: any) => r.running], ['PID', (r: any) => r.pid], ['URL', (r: any) => r.url], ['STORE', (r: any) => r.store], ['ISOLATION', (r: any) => r.isolation]]);
    if (!h) process.exitCode = 1;
  },
});

export default defineCommand({ meta: { name: 'daemon', description: 'Run the Agor daemon' }, subCommands: { start, stop, status } });
