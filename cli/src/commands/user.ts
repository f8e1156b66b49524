import { defineCommand } from 'citty';
import { Client, type Page } from '../client.js';
import { usage } from '../errors.js';
import { daemonUrl, readLogin, writeLogin } from '../home.js';
import { jsonArg, print, printPage, short } from '../output.js';

const columns: Array<[string, (r: any) => unknown]> = [['ID', (r) => short(r.user_id)], ['EMAIL', (r) => r.email], ['NAME', (r) => r.name], ['EMOJI', (r) => r.emoji], ['ROLE', (r) => r.role]];

const create = defineCommand({
  meta: { name: 'create', description: 'Create a user (admins; anyone while no user has a password)' },
  args: {
    email: { type: 'string', required: true }, password: { type: 'string', description: 'at least 8 characters (default: $AGOR_PASSWORD)' },
    name: { type: 'string' }, emoji: { type: 'string' }, admin: { type: 'boolean', default: false }, ...jsonArg,
  },
  async run({ args }) {
    const password = args.password ?? process.env.AGOR_PASSWORD;
    if (!password) throw usage('give --password or set AGOR_PASSWORD');
    print(await new Client().post('/users', { email: args.email, password, name: args.name, emoji: args.emoji, role: args.admin ? 'admin' : undefined }), args.json, columns);
  },
});

const list = defineCommand({
  meta: { name: 'list', description: 'List users' }, args: { ...jsonArg },
  async run({ args }) {
    const page = await new Client().get<Page<unknown>>('/users?$limit=500');
    printPage(page, args.json, columns);
  },
});

const login = defineCommand({
  meta: { name: 'login', description: 'Log in and keep the token in $AGOR_HOME/cli-login.json (mode 0600)' },
  args: { email: { type: 'string', required: true }, password: { type: 'string', description: 'default: $AGOR_PASSWORD' }, ...jsonArg },
  async run({ args }) {
    const password = args.password ?? process.env.AGOR_PASSWORD;
    if (!password) throw usage('give --password or set AGOR_PASSWORD');
    const res = await new Client({ token: '' }).post<{ accessToken: string; refreshToken: string; user: { email: string } }>('/authentication', { strategy: 'local', email: args.email, password });
    writeLogin({ url: daemonUrl(), accessToken: res.accessToken, refreshToken: res.refreshToken, email: res.user.email });
    print(args.json ? { user: res.user } : res.user, args.json, columns);
  },
});

const logout = defineCommand({
  meta: { name: 'logout', description: 'Forget the stored login' }, args: { ...jsonArg },
  async run({ args }) {
    const had = readLogin().email ?? null;
    writeLogin({});
    print({ logged_out: had }, args.json, [['LOGGED OUT', (r: any) => r.logged_out ?? 'nobody was logged in']]);
  },
});

const whoami = defineCommand({
  meta: { name: 'whoami', description: 'Who the CLI acts as' }, args: { ...jsonArg },
  async run({ args }) {
    // The daemon tells: an API token, a login, or the local user when auth is off.
    print(await new Client().get('/users/me'), args.json, columns);
  },
});

export default defineCommand({ meta: { name: 'user', description: 'Users and login' }, subCommands: { create, list, login, logout, whoami } });
