import { defineCommand } from 'citty';
import { Client, type Page } from '../client.js';
import { jsonArg, print, printPage, short } from '../output.js';
import { watchEvents } from '../watch.js';

const columns: Array<[string, (r: any) => unknown]> = [['ID', (r) => short(r.repo_id)], ['NAME', (r) => r.name], ['BRANCH', (r) => r.default_branch], ['STATUS', (r) => r.status], ['SOURCE', (r) => r.remote_url ?? r.local_path]];

const add = defineCommand({
  meta: { name: 'add', description: 'Add a repository: clone a URL (bare) or register a local path' },
  args: { source: { type: 'positional', required: true, description: 'clone URL or absolute local path' }, name: { type: 'string', description: 'name (default: from the URL or path)' }, ...jsonArg },
  async run({ args }) {
    const client = new Client();
    const isPath = args.source.startsWith('/') || args.source.startsWith('.');
    const body = isPath ? { path: (await import('node:path')).resolve(args.source), name: args.name } : { url: args.source, name: args.name };
    // Clone progress arrives as `repos patched` events while the request runs.
    const stop = !isPath && !args.json && process.stderr.isTTY
      ? await watchEvents(client, ['*'], (f) => {
        const clone = f.service === 'repos' ? (f.data.data as { clone?: { stage: string; progress: number } } | undefined)?.clone : undefined;
        if (clone) process.stderr.write(`\r\x1b[2Kcloning: ${clone.stage} ${clone.progress}%`);
      }).catch(() => null)
      : null;
    try {
      print(await client.post('/repos', body), args.json, columns);
    } finally {
      stop?.();
      if (stop) process.stderr.write('\r\x1b[2K');
    }
  },
});

const list = defineCommand({
  meta: { name: 'list', description: 'List repositories' },
  args: { ...jsonArg },
  async run({ args }) {
    const page = await new Client().get<Page<unknown>>('/repos?$limit=500');
    printPage(page, args.json, columns);
  },
});

const rm = defineCommand({
  meta: { name: 'rm', description: 'Forget a repository (its worktrees must be removed first; files stay on disk)' },
  args: { id: { type: 'positional', required: true, description: 'repo id (or unique prefix)' }, ...jsonArg },
  async run({ args }) {
    print(await new Client().delete(`/repos/${args.id}`), args.json, columns);
  },
});

export default defineCommand({ meta: { name: 'repo', description: 'Repositories' }, subCommands: { add, list, rm } });
