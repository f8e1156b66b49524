import { defineCommand } from 'citty';
import { configFromEnv, startDaemon } from '@agor/daemon';

const start = defineCommand({
  meta: { name: 'start', description: 'Run the daemon in the foreground (PORT, HOST, AGOR_HOME, DATABASE_URL from the environment)' },
  args: {
    port: { type: 'string', description: 'port to listen on (default: $PORT or 3030)' },
    foreground: { type: 'boolean', description: 'stay attached to the terminal (the default)', default: true },
  },
  async run({ args }) {
    let daemon;
    try {
      daemon = await startDaemon({ config: configFromEnv({ ...process.env, ...(args.port ? { PORT: args.port } : {}) }) });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message;
      process.stderr.write(`agor: the daemon could not start: ${(err as Error).message.split('\n')[0]}${cause ? ` (${cause})` : ''}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`agor daemon listening on ${daemon.url} (store: ${daemon.store.kind})\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await daemon.close();
  },
});

export default defineCommand({
  meta: { name: 'daemon', description: 'Run the Agor daemon' },
  subCommands: { start },
});
