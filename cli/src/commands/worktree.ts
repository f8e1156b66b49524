import { defineCommand } from 'citty';
import { Client, qs, type Page } from '../client.js';
import { jsonArg, print, printPage, short } from '../output.js';

const columns: Array<[string, (r: any) => unknown]> = [
  ['ID', (r) => short(r.worktree_id)], ['NAME', (r) => r.name], ['BRANCH', (r) => r.git_state?.branch ?? r.branch],
  ['HEAD', (r) => r.git_state?.sha?.slice(0, 8)], ['DIRTY', (r) => (r.git_state ? (r.git_state.dirty ? 'yes' : 'no') : '-')], ['PATH', (r) => r.path],
];

const create = defineCommand({
  meta: { name: 'create', description: 'Create a git worktree in $AGOR_HOME/worktrees/<repo>/<name>' },
  args: {
    repo: { type: 'string', required: true, description: 'repo id (or unique prefix)' }, name: { type: 'string', required: true, description: 'worktree name' },
    ref: { type: 'string', description: 'what to start from (default: the repo’s default branch)' },
    branch: { type: 'string', description: 'branch to create (default: the name); with --existing, the branch to check out' },
    existing: { type: 'boolean', description: 'check out an existing branch instead of creating one', default: false },
    ...jsonArg,
  },
  async run({ args }) {
    const client = new Client();
    const repo = await client.get<{ repo_id: string }>(`/repos/${args.repo}`);
    const body = args.existing
      ? { repo_id: repo.repo_id, name: args.name, ref: args.branch ?? args.ref ?? args.name, new_branch: false }
      : { repo_id: repo.repo_id, name: args.name, ref: args.ref, new_branch: args.branch ?? true };
    print(await client.post('/worktrees', body), args.json, columns);
  },
});

const list = defineCommand({
  meta: { name: 'list', description: 'List worktrees with their git state' },
  args: { repo: { type: 'string', description: 'only this repo' }, ...jsonArg },
  async run({ args }) {
    const client = new Client();
    const repoId = args.repo ? (await client.get<{ repo_id: string }>(`/repos/${args.repo}`)).repo_id : undefined;
    const page = await client.get<Page<unknown>>(`/worktrees${qs({ repo_id: repoId, $limit: 500 })}`);
    printPage(page, args.json, columns);
  },
});

const rm = defineCommand({
  meta: { name: 'rm', description: 'Remove a worktree (refused with uncommitted changes or running sessions unless --force); its branch is kept' },
  args: { id: { type: 'positional', required: true, description: 'worktree id (or unique prefix)' }, force: { type: 'boolean', default: false, description: 'discard uncommitted changes, stop nothing' }, ...jsonArg },
  async run({ args }) {
    print(await new Client().delete(`/worktrees/${args.id}${args.force ? '?force=true' : ''}`), args.json, columns);
  },
});

export default defineCommand({ meta: { name: 'worktree', description: 'Git worktrees' }, subCommands: { create, list, rm } });
