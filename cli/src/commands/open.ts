import { spawn } from 'node:child_process';
import { defineCommand } from 'citty';
import { daemonUrl } from '../home.js';
import { jsonArg, print } from '../output.js';

export default defineCommand({
  meta: { name: 'open', description: 'Print the board URL (and open it in a browser when there is a display)' },
  args: { ...jsonArg },
  async run({ args }) {
    const url = `${daemonUrl()}/`;
    print({ url }, args.json, [['BOARD', (r: any) => r.url]]);
    if (!args.json && process.stdout.isTTY && (process.env.DISPLAY || process.platform === 'darwin')) {
      spawn(process.platform === 'darwin' ? 'open' : 'xdg-open', [url], { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
    }
  },
});
