import { defineCommand } from 'citty';
import { Client, qs, type Page } from '../client.js';
import { jsonArg, print, printPage, short } from '../output.js';
import { messageText } from '../render.js';
import { watchEvents } from '../watch.js';
import { taskColumns } from './task.js';

const columns: Array<[string, (r: any) => unknown]> = [
  ['ID', (r) => short(r.session_id)], ['TITLE', (r) => r.title], ['AGENT', (r) => r.agentic_tool], ['STATUS', (r) => r.status],
  ['WORKTREE', (r) => short(r.worktree_id)], ['MESSAGES', (r) => r.message_count], ['PARENT', (r) => short(r.parent_session_id ?? r.forked_from_session_id)],
];

const create = defineCommand({
  meta: { name: 'create', description: 'Create a session on a worktree' },
  args: {
    worktree: { type: 'string', required: true, description: 'worktree id (or unique prefix)' }, title: { type: 'string' },
    agent: { type: 'string', description: 'claude-code (default), codex or gemini' }, board: { type: 'string', description: 'board id (or unique prefix)' }, ...jsonArg,
  },
  async run({ args }) {
    const c = new Client();
    const worktree = await c.get<{ worktree_id: string }>(`/worktrees/${args.worktree}`);
    const board = args.board ? await c.get<{ board_id: string }>(`/boards/${args.board}`) : null;
    print(await c.post('/sessions', { worktree_id: worktree.worktree_id, board_id: board?.board_id, title: args.title, agentic_tool: args.agent }), args.json, columns);
  },
});

const list = defineCommand({
  meta: { name: 'list', description: 'List sessions (newest first)' },
  args: {
    worktree: { type: 'string' }, board: { type: 'string' }, status: { type: 'string' },
    limit: { type: 'string', description: 'page size, 1-500 (default 50)' }, skip: { type: 'string' }, ...jsonArg,
  },
  async run({ args }) {
    const c = new Client();
    const worktreeId = args.worktree ? (await c.get<{ worktree_id: string }>(`/worktrees/${args.worktree}`)).worktree_id : undefined;
    const boardId = args.board ? (await c.get<{ board_id: string }>(`/boards/${args.board}`)).board_id : undefined;
    const page = await c.get<Page<unknown>>(`/sessions${qs({ worktree_id: worktreeId, board_id: boardId, status: args.status, $limit: args.limit, $skip: args.skip, '$sort[created_at]': -1 })}`);
    printPage(page, args.json, columns);
  },
});

const id = { id: { type: 'positional' as const, required: true, description: 'session id (or unique prefix)' } };

const show = defineCommand({
  meta: { name: 'show', description: 'Show a session' }, args: { ...id, ...jsonArg },
  async run({ args }) { print(await new Client().get(`/sessions/${args.id}`), args.json, columns); },
});

const prompt = defineCommand({
  meta: { name: 'prompt', description: 'Queue a prompt in a session' },
  args: { ...id, text: { type: 'positional', required: true, description: 'the prompt' }, ...jsonArg },
  async run({ args }) { print(await new Client().post(`/sessions/${args.id}/prompt`, { prompt: args.text }), args.json, taskColumns); },
});

const fork = defineCommand({
  meta: { name: 'fork', description: 'Fork a session at a message index' },
  args: { ...id, at: { type: 'string', required: true, description: 'message index to fork at (inclusive)' }, title: { type: 'string' }, ...jsonArg },
  async run({ args }) {
    print(await new Client().post(`/sessions/${args.id}/fork`, { message_index: Number(args.at), title: args.title }), args.json, columns);
  },
});

const spawn = defineCommand({
  meta: { name: 'spawn', description: 'Spawn a child session (optionally running a prompt in it)' },
  args: { ...id, prompt: { type: 'string' }, title: { type: 'string' }, agent: { type: 'string' }, ...jsonArg },
  async run({ args }) {
    print(await new Client().post(`/sessions/${args.id}/spawn`, { prompt: args.prompt, title: args.title, agentic_tool: args.agent }), args.json, columns);
  },
});

const stop = defineCommand({
  meta: { name: 'stop', description: 'Stop the running task and drop queued ones' }, args: { ...id, ...jsonArg },
  async run({ args }) { print(await new Client().post(`/sessions/${args.id}/stop`), args.json, [['STOPPED', (r: any) => r.stopped.join(' ') || 'nothing was running']]); },
});

const logs = defineCommand({
  meta: { name: 'logs', description: 'Print the conversation; --follow streams it live' },
  args: { ...id, follow: { type: 'boolean', alias: 'f', default: false, description: 'keep streaming new messages' }, ...jsonArg },
  async run({ args }) {
    const c = new Client();
    const session = await c.get<{ session_id: string }>(`/sessions/${args.id}`);
    const printMessage = (m: any) => {
      if (args.json) process.stdout.write(`${JSON.stringify(m)}\n`);
      else process.stdout.write(`#${m.index} ${m.role}: ${messageText(m.content)}\n`);
    };
    let skip = 0;
    for (;;) {
      const page = await c.get<Page<any>>(`/messages${qs({ session_id: session.session_id, $limit: 500, $skip: skip })}`);
      page.data.forEach(printMessage);
      skip += page.data.length;
      if (skip >= page.total || page.data.length === 0) break;
    }
    if (!args.follow) return;
    let streaming = false;
    await watchEvents(c, [`sessions/${session.session_id}`], (f) => {
      if (f.type === 'stream' && !args.json) {
        if (!streaming) process.stdout.write('assistant: ');
        streaming = true;
        process.stdout.write(f.delta ?? '');
      } else if (f.type === 'event' && f.service === 'messages' && f.event === 'created') {
        if (streaming) process.stdout.write('\n');
        streaming = false;
        printMessage(f.data);
      } else if (f.type === 'event' && f.service === 'tasks' && ['completed', 'failed', 'stopped'].includes(f.data.status) && !args.json) {
        process.stdout.write(`-- task ${short(f.data.task_id)} ${f.data.status}${f.data.error ? `: ${f.data.error}` : ''}\n`);
      }
    });
    await new Promise(() => {}); // until Ctrl-C
  },
});

export default defineCommand({ meta: { name: 'session', description: 'Sessions' }, subCommands: { create, list, show, prompt, fork, spawn, stop, logs } });
