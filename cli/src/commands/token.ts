import { defineCommand } from 'citty';
import { Client, type Page } from '../client.js';
import { jsonArg, print, printPage, short } from '../output.js';

const columns: Array<[string, (r: any) => unknown]> = [['ID', (r) => short(r.api_token_id)], ['NAME', (r) => r.name], ['PREFIX', (r) => r.prefix], ['LAST USED', (r) => r.last_used_at], ['EXPIRES', (r) => r.expires_at]];

const create = defineCommand({
  meta: { name: 'create', description: 'Create an API token (shown once) for CI and external tools' },
  args: { name: { type: 'positional', required: true }, days: { type: 'string', description: 'expire after this many days' }, ...jsonArg },
  async run({ args }) {
    const token = await new Client().post<{ token: string }>('/api-tokens', { name: args.name, expires_in_days: args.days ? Number(args.days) : undefined });
    if (args.json) print(token, true);
    else process.stdout.write(`${token.token}\n(shown once: store it now, e.g. as AGOR_TOKEN in your CI secrets)\n`);
  },
});

const list = defineCommand({
  meta: { name: 'list', description: 'List your API tokens (never their secrets)' }, args: { ...jsonArg },
  async run({ args }) {
    const page = await new Client().get<Page<unknown>>('/api-tokens');
    printPage(page, args.json, columns);
  },
});

const revoke = defineCommand({
  meta: { name: 'revoke', description: 'Revoke an API token' }, args: { id: { type: 'positional', required: true }, ...jsonArg },
  async run({ args }) { print(await new Client().delete(`/api-tokens/${args.id}`), args.json, columns); },
});

export default defineCommand({ meta: { name: 'token', description: 'API tokens' }, subCommands: { create, list, revoke } });
