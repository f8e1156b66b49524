import { defineCommand } from 'citty';
import { Client, type Page } from '../client.js';
import { usage } from '../errors.js';
import { jsonArg, print, printPage, short } from '../output.js';

const columns: Array<[string, (r: any) => unknown]> = [['ID', (r) => short(r.mcp_server_id)], ['NAME', (r) => r.name], ['TRANSPORT', (r) => r.transport], ['TARGET', (r) => r.url ?? [r.command, ...r.args].join(' ')], ['SCOPE', (r) => r.scope]];

const add = defineCommand({
  meta: { name: 'add', description: 'Add an MCP server config (http/sse URL, or a stdio command)' },
  args: {
    name: { type: 'positional', required: true }, target: { type: 'positional', required: true, description: 'URL, or the command for --stdio' },
    stdio: { type: 'boolean', default: false }, sse: { type: 'boolean', default: false }, global: { type: 'boolean', default: false, description: 'for the whole team (admins)' },
    args: { type: 'string', description: 'arguments for a stdio command, space separated' }, ...jsonArg,
  },
  async run({ args }) {
    const transport = args.stdio ? 'stdio' : args.sse ? 'sse' : 'http';
    const body = transport === 'stdio'
      ? { name: args.name, transport, command: args.target, args: args.args ? args.args.split(' ').filter(Boolean) : [] }
      : { name: args.name, transport, url: args.target };
    print(await new Client().post('/mcp-servers', { ...body, scope: args.global ? 'global' : 'user' }), args.json, columns);
  },
});

const list = defineCommand({
  meta: { name: 'list', description: 'List MCP server configs' }, args: { ...jsonArg },
  async run({ args }) {
    const page = await new Client().get<Page<unknown>>('/mcp-servers?$limit=500');
    printPage(page, args.json, columns);
  },
});

const rm = defineCommand({
  meta: { name: 'rm', description: 'Remove an MCP server config' }, args: { id: { type: 'positional', required: true }, ...jsonArg },
  async run({ args }) { print(await new Client().delete(`/mcp-servers/${args.id}`), args.json, columns); },
});

const config = defineCommand({
  meta: { name: 'config', description: 'Print how to connect an external MCP client to Agor as a session' },
  args: { session: { type: 'positional', required: true, description: 'session id (or unique prefix); you must own it' }, ...jsonArg },
  async run({ args }) {
    const c = new Client();
    const session = await c.get<{ data: { mcp_token?: string } }>(`/sessions/${args.session}`);
    const token = session.data.mcp_token;
    if (!token) throw usage('only the session’s owner can see its MCP token');
    const url = `${c.url}/mcp`;
    const snippet = { mcpServers: { agor: { type: 'http', url, headers: { Authorization: `Bearer ${token}` } } } };
    if (args.json) print({ url, token, config: snippet }, true);
    else process.stdout.write(`claude mcp add --transport http agor "${url}" --header "Authorization: Bearer ${token}"\n\n${JSON.stringify(snippet, null, 2)}\n`);
  },
});

export default defineCommand({ meta: { name: 'mcp', description: 'MCP servers' }, subCommands: { add, list, rm, config } });
