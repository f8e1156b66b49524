import { defineCommand, runMain } from 'citty';
import daemon from './commands/daemon.js';

const main = defineCommand({
  meta: { name: 'agor', description: 'Agor: run coding agents on git worktrees, together' },
  subCommands: { daemon },
});

void runMain(main);
