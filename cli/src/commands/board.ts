import { defineCommand } from 'citty';
import { Client, type Page } from '../client.js';
import { jsonArg, print, printPage, short } from '../output.js';

const columns: Array<[string, (r: any) => unknown]> = [['ID', (r) => short(r.board_id)], ['NAME', (r) => r.name], ['VISIBILITY', (r) => r.visibility]];

const create = defineCommand({
  meta: { name: 'create', description: 'Create a board' },
  args: { name: { type: 'positional', required: true }, private: { type: 'boolean', default: false, description: 'only you can see it' }, ...jsonArg },
  async run({ args }) {
    print(await new Client().post('/boards', { name: args.name, visibility: args.private ? 'private' : 'team' }), args.json, columns);
  },
});

const list = defineCommand({
  meta: { name: 'list', description: 'List boards' },
  args: { ...jsonArg },
  async run({ args }) {
    const page = await new Client().get<Page<unknown>>('/boards?$limit=500');
    printPage(page, args.json, columns);
  },
});

export default defineCommand({ meta: { name: 'board', description: 'Boards' }, subCommands: { create, list } });
