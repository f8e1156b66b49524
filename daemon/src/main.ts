import { configFromEnv } from './core/config.js';
import { startDaemon } from './daemon.js';

/** `npm start` / `agor daemon start --foreground`: run until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = configFromEnv();
  } catch (err) {
    process.stderr.write(`agor: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const daemon = await startDaemon({ config });
  const stop = async () => {
    await daemon.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`agor: the daemon could not start: ${(err as Error).message}\n`);
  process.exit(1);
});
