import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import { Client, qs, type Page } from '../client.js';
import { parseDuration } from '../duration.js';
import { CliError, EXIT, usage } from '../errors.js';
import { print } from '../output.js';
import { finalAssistantText } from '../render.js';
import { watchEvents, type Frame } from '../watch.js';

interface Repo { repo_id: string; remote_url: string | null; local_path: string }
interface Worktree { worktree_id: string; name: string }
interface Task { task_id: string; status: string; error: string | null; usage: Record<string, number> | null }

const ID_PREFIX = /^[0-9a-f-]{8,36}$/;

async function findOrAddRepo(c: Client, ref: string, log: (s: string) => void): Promise<Repo> {
  if (ID_PREFIX.test(ref)) return c.get<Repo>(`/repos/${ref}`);
  const isPath = ref.startsWith('/') || ref.startsWith('.');
  const source = isPath ? resolve(ref) : ref;
  const repos = await c.get<Page<Repo>>('/repos?$limit=500');
  const known = repos.data.find((r) => r.remote_url === source || r.local_path === source);
  if (known) return known;
  log(isPath ? `adding ${source}` : `cloning ${source}`);
  return c.post<Repo>('/repos', isPath ? { path: source } : { url: source });
}

/** Reuses the named worktree, else creates it (checking out `branch` when it exists, creating it otherwise). */
async function findOrCreateWorktree(c: Client, repo: Repo, name: string, branch: string | undefined, log: (s: string) => void): Promise<Worktree> {
  const existing = await c.get<Page<Worktree>>(`/worktrees${qs({ repo_id: repo.repo_id, name })}`);
  if (existing.data[0]) return existing.data[0];
  log(`creating worktree ${name}`);
  if (branch) {
    try {
      return await c.post<Worktree>('/worktrees', { repo_id: repo.repo_id, name, ref: branch, new_branch: false });
    } catch (err) {
      if (!/does not exist/.test((err as Error).message)) throw err;
    }
  }
  return c.post<Worktree>('/worktrees', { repo_id: repo.repo_id, name, new_branch: branch ?? true });
}

export default defineCommand({
  meta: {
    name: 'run',
    description: 'Start an agent from CI: reuse or create the worktree, start a session, run the prompt. Exit codes: 0 completed, 1 failed, 2 bad usage or auth, 124 timed out.',
  },
  args: {
    repo: { type: 'string', required: true, description: 'repo id, clone URL or local path' },
    worktree: { type: 'string', description: 'worktree name to reuse or create (default: from --branch, else ci-<time>)' },
    branch: { type: 'string', description: 'branch to work on (checked out if it exists, else created)' },
    prompt: { type: 'string', required: true, description: 'the prompt, or @file to read it from a file' },
    agent: { type: 'string', default: 'claude-code', description: 'claude-code, codex or gemini' },
    wait: { type: 'boolean', default: false, description: 'wait for the task, stream progress to stderr, print the final message' },
    timeout: { type: 'string', default: '30m', description: 'with --wait: give up after this long (exit 124)' },
    json: { type: 'boolean', default: false, description: 'print JSON (session, task, final message) instead of text' },
  },
  async run({ args }) {
    if (!['claude-code', 'codex', 'gemini'].includes(args.agent)) throw usage(`--agent must be claude-code, codex or gemini, not ${args.agent}`);
    const timeoutMs = parseDuration(args.timeout);
    let prompt = args.prompt;
    if (prompt.startsWith('@')) {
      try {
        prompt = readFileSync(prompt.slice(1), 'utf8');
      } catch {
        throw usage(`cannot read the prompt file ${prompt.slice(1)}`);
      }
    }
    if (!prompt.trim()) throw usage('the prompt is empty');
    const log = (s: string) => { if (!args.json) process.stderr.write(`agor: ${s}\n`); };
    const c = new Client();
    const repo = await findOrAddRepo(c, args.repo, log);
    const name = args.worktree ?? (args.branch ? args.branch.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') : `ci-${Date.now()}`);
    const worktree = await findOrCreateWorktree(c, repo, name, args.branch, log);
    const session = await c.post<{ session_id: string }>('/sessions', { worktree_id: worktree.worktree_id, agentic_tool: args.agent, title: prompt.slice(0, 80) });
    if (!args.wait) {
      const task = await c.post<Task>(`/sessions/${session.session_id}/prompt`, { prompt });
      print({ session_id: session.session_id, worktree_id: worktree.worktree_id, task_id: task.task_id, status: task.status }, true);
      return;
    }
    let taskId = '';
    let resolveDone: (t: Task) => void = () => {};
    const done = new Promise<Task>((r) => { resolveDone = r; });
    const seen: Frame[] = [];
    const onFrame = (f: Frame) => {
      if (f.type === 'stream' && !args.json) process.stderr.write(f.delta ?? '');
      if (f.type === 'event' && f.service === 'tasks') {
        if (!taskId) seen.push(f);
        else if (f.data.task_id === taskId && ['completed', 'failed', 'stopped'].includes(f.data.status)) resolveDone(f.data as Task);
      }
      if (f.type === 'event' && f.service === 'messages' && f.event === 'created' && f.data.role === 'tool' && !args.json) process.stderr.write('\n[tool result]\n');
    };
    const stop = await watchEvents(c, [`sessions/${session.session_id}`], onFrame);
    let timer: NodeJS.Timeout | undefined;
    try {
      const task = await c.post<Task>(`/sessions/${session.session_id}/prompt`, { prompt });
      taskId = task.task_id;
      log(`session ${session.session_id.slice(0, 8)}, task ${taskId.slice(0, 8)} (${args.agent})`);
      for (const f of seen) onFrame(f);
      const timedOut = new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), timeoutMs); });
      const outcome = await Promise.race([done, timedOut]);
      if (outcome === 'timeout') {
        await c.post(`/sessions/${session.session_id}/stop`).catch(() => {});
        throw new CliError(`timed out after ${args.timeout}; the task was stopped`, EXIT.TIMEOUT);
      }
      const finished = await c.get<Task>(`/tasks/${taskId}`);
      const messages = await c.get<Page<{ role: string; content: unknown }>>(`/messages${qs({ session_id: session.session_id, $limit: 500 })}`);
      const final = finalAssistantText(messages.data);
      if (!args.json) process.stderr.write('\n');
      if (args.json) print({ session_id: session.session_id, task_id: taskId, status: finished.status, error: finished.error, usage: finished.usage, message: final }, true);
      else process.stdout.write(`${final}\n`);
      if (finished.status !== 'completed') throw new CliError(`the task ${finished.status}${finished.error ? `: ${finished.error}` : ''}`, EXIT.FAILED);
    } finally {
      clearTimeout(timer);
      stop();
    }
  },
});
