import { defineCommand, runCommand, showUsage } from 'citty';
import board from './commands/board.js';
import config from './commands/config.js';
import daemon from './commands/daemon.js';
import db from './commands/db.js';
import doctor from './commands/doctor.js';
import init from './commands/init.js';
import mcp from './commands/mcp.js';
import open from './commands/open.js';
import repo from './commands/repo.js';
import run from './commands/run.js';
import session from './commands/session.js';
import task from './commands/task.js';
import token from './commands/token.js';
import user from './commands/user.js';
import worktree from './commands/worktree.js';
import { CliError, EXIT } from './errors.js';

const main = defineCommand({
  meta: {
    name: 'agor',
    version: '0.1.0',
    description: 'Agor: coding agents on git worktrees, together.\n'
      + 'Finds the daemon through AGOR_URL (else the config, else http://127.0.0.1:3030) and authenticates with AGOR_TOKEN or `agor user login`.\n'
      + 'Ids may be given as unique prefixes of 8+ characters. Exit codes: 0 ok, 1 failed, 2 bad usage or authentication, 124 timed out.',
  },
  subCommands: { init, daemon, db, open, config, doctor, repo, worktree, board, session, task, user, token, mcp, run },
});

/** One place turns every failure into a message and an exit code; a stack trace only for a bug, with AGOR_DEBUG. */
async function cli(): Promise<void> {
  const rawArgs = process.argv.slice(2);
  if (rawArgs.length === 0 || rawArgs.includes('--help') || rawArgs.includes('-h')) {
    const path = rawArgs.filter((a) => !a.startsWith('-'));
    let cmd: any = main;
    let parent: any;
    for (const name of path) {
      const sub = (cmd.subCommands as Record<string, any> | undefined)?.[name];
      if (!sub) break;
      parent = cmd;
      cmd = sub;
    }
    await showUsage(cmd, parent);
    return;
  }
  if (rawArgs[0] === '--version' || rawArgs[0] === '-v') {
    process.stdout.write('0.1.0\n');
    return;
  }
  try {
    await runCommand(main, { rawArgs });
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`agor: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    const e = err as Error & { code?: string };
    if (e.code === 'EARG' || /Unknown command|Missing required|No command specified/i.test(e.message)) {
      process.stderr.write(`agor: ${e.message} (see \`agor --help\`)\n`);
      process.exitCode = EXIT.USAGE;
      return;
    }
    process.stderr.write(`agor: unexpected error: ${e.message}${process.env.AGOR_DEBUG ? `\n${e.stack}` : ' (set AGOR_DEBUG=1 for details)'}\n`);
    process.exitCode = EXIT.FAILED;
  }
}

void cli().then(() => {
  // Open sockets (event streams) must not keep a finished command alive.
  if (!process.argv.includes('--follow') && !process.argv.includes('-f') && !(process.argv[2] === 'daemon' && process.argv.includes('--foreground'))) {
    setImmediate(() => process.exit(process.exitCode ?? 0));
  }
});
