import { createInterface } from 'node:readline';
import { serveToken } from './connection.js';
import { startMcpBridge } from './mcp-bridge.js';

/**
 * The executor program. It reads one JSON line per task on stdin, `{"sessionToken": "…"}` (tokens never come
 * through the environment or a file), and serves each over its own connection to the daemon's socket.
 */
const socketPath = process.env.AGOR_IPC_SOCKET ?? '/run/agor/ipc.sock';
const home = process.env.HOME ?? '/home/agor';
let active = 0;
let inputClosed = false;

const exitWhenIdle = () => {
  if (inputClosed && active === 0) process.exit(0);
};

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  let token: string | undefined;
  try {
    token = (JSON.parse(line) as { sessionToken?: string }).sessionToken;
  } catch {
    process.stderr.write('executor: ignoring a stdin line that is not JSON\n');
    return;
  }
  if (!token) return;
  active += 1;
  serveToken({ socketPath, sessionToken: token, home, mcpUrlFor: startMcpBridge })
    .catch((err: unknown) => process.stderr.write(`executor: ${(err as Error).message}\n`))
    .finally(() => {
      active -= 1;
      exitWhenIdle();
    });
});
// The daemon closed our stdin (it stopped us, or it died): finish what runs, then go.
lines.on('close', () => {
  inputClosed = true;
  exitWhenIdle();
});
process.on('SIGTERM', () => process.exit(0));
