import { defineCommand } from 'citty';
import { Client, qs, type Page } from '../client.js';
import { jsonArg, print, printPage, short } from '../output.js';

export const taskColumns: Array<[string, (r: any) => unknown]> = [
  ['ID', (r) => short(r.task_id)], ['SESSION', (r) => short(r.session_id)], ['STATUS', (r) => r.status],
  ['PROMPT', (r) => r.prompt], ['TOKENS', (r) => (r.usage ? (r.usage.input_tokens ?? 0) + (r.usage.output_tokens ?? 0) : '-')], ['ERROR', (r) => r.error],
];

const list = defineCommand({
  meta: { name: 'list', description: 'List tasks' },
  args: { session: { type: 'string', description: 'only this session' }, status: { type: 'string' }, ...jsonArg },
  async run({ args }) {
    const client = new Client();
    const sessionId = args.session ? (await client.get<{ session_id: string }>(`/sessions/${args.session}`)).session_id : undefined;
    const page = await client.get<Page<unknown>>(`/tasks${qs({ session_id: sessionId, status: args.status, '$sort[created_at]': -1, $limit: 100 })}`);
    printPage(page, args.json, taskColumns);
  },
});

const show = defineCommand({
  meta: { name: 'show', description: 'Show one task' },
  args: { id: { type: 'positional', required: true }, ...jsonArg },
  async run({ args }) {
    print(await new Client().get(`/tasks/${args.id}`), args.json, taskColumns);
  },
});

export default defineCommand({ meta: { name: 'task', description: 'Tasks (prompts and their runs)' }, subCommands: { list, show } });
