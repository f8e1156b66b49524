import { z } from 'zod';
import type { Ctx } from '../core/context.js';
import { invalid } from '../core/errors.js';
import { AgenticTool, SessionStatus } from '../protocol/common.js';
import * as boards from '../services/boards.js';
import * as messages from '../services/messages.js';
import * as repos from '../services/repos.js';
import * as sessions from '../services/sessions.js';
import * as tasks from '../services/tasks.js';
import * as users from '../services/users.js';
import * as worktrees from '../services/worktrees.js';

/** One MCP tool: a zod input shape (camelCase) and the service call it stands for. */
export interface ToolDef {
  name: string;
  description: string;
  input: z.ZodRawShape;
  run(ctx: Ctx, input: any): Promise<unknown>;
}

const id = z.string().uuid();
const limit = z.number().int().min(1).max(500).optional();

/** Query for a `find` service from camelCase tool arguments. */
function query(pairs: Record<string, string | number | undefined>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(pairs).filter(([, v]) => v !== undefined).map(([k, v]) => [k, [String(v)]]));
}

/** The session a tool acts on: the one given, else the caller's own (an MCP session token's session). */
function sessionOf(ctx: Ctx, sessionId: string | undefined): string {
  if (sessionId) return sessionId;
  if (ctx.actor.kind === 'mcp' && ctx.actor.sessionId) return ctx.actor.sessionId;
  throw invalid('sessionId is required when the token is not a session token');
}

export const TOOLS: ToolDef[] = [
  {
    name: 'agor_sessions_list', description: 'List sessions you can see, optionally filtered by board, worktree or status.',
    input: { boardId: id.optional(), worktreeId: id.optional(), status: SessionStatus.optional(), limit },
    run: (ctx, i) => sessions.findSessions(ctx, query({ board_id: i.boardId, worktree_id: i.worktreeId, status: i.status, $limit: i.limit })),
  },
  { name: 'agor_sessions_get', description: 'Get one session by id.', input: { sessionId: id }, run: (ctx, i) => sessions.getSession(ctx, i.sessionId) },
  {
    name: 'agor_sessions_get_current', description: 'Get the session this agent runs in (the MCP token’s session).', input: {},
    run: (ctx) => sessions.getSession(ctx, sessionOf(ctx, undefined)),
  },
  {
    name: 'agor_sessions_spawn',
    description: 'Spawn a child session on the same worktree and run a prompt in it (delegate a subtask). Defaults to a child of the current session.',
    input: { prompt: z.string().min(1).max(200_000), title: z.string().max(500).optional(), agenticTool: AgenticTool.optional(), sessionId: id.optional() },
    run: (ctx, i) => sessions.spawnSession(ctx, sessionOf(ctx, i.sessionId), { prompt: i.prompt, title: i.title, agentic_tool: i.agenticTool }),
  },
  {
    name: 'agor_sessions_prompt', description: 'Queue a prompt in a session you own.',
    input: { prompt: z.string().min(1).max(200_000), sessionId: id.optional() },
    run: (ctx, i) => sessions.promptSession(ctx, sessionOf(ctx, i.sessionId), { prompt: i.prompt }),
  },
  {
    name: 'agor_sessions_fork', description: 'Fork a session at a message index; the fork continues from there.',
    input: { messageIndex: z.number().int().min(0), title: z.string().max(500).optional(), sessionId: id.optional() },
    run: (ctx, i) => sessions.forkSession(ctx, sessionOf(ctx, i.sessionId), { message_index: i.messageIndex, title: i.title }),
  },
  {
    name: 'agor_sessions_stop', description: 'Stop the running task of a session and drop its queue.', input: { sessionId: id.optional() },
    run: (ctx, i) => sessions.stopSession(ctx, sessionOf(ctx, i.sessionId)),
  },
  { name: 'agor_worktrees_get', description: 'Get one worktree.', input: { worktreeId: id }, run: (ctx, i) => worktrees.getWorktree(ctx, i.worktreeId) },
  {
    name: 'agor_worktrees_list', description: 'List worktrees, optionally of one repo.', input: { repoId: id.optional(), limit },
    run: (ctx, i) => worktrees.findWorktrees(ctx, query({ repo_id: i.repoId, $limit: i.limit })),
  },
  {
    name: 'agor_worktrees_create', description: 'Create a git worktree of a repo (a new branch named like it unless told otherwise).',
    input: { repoId: id, name: z.string().min(1).max(100), ref: z.string().max(250).optional(), newBranch: z.union([z.boolean(), z.string().max(250)]).optional() },
    run: (ctx, i) => worktrees.createWorktree(ctx, { repo_id: i.repoId, name: i.name, ref: i.ref, new_branch: i.newBranch }),
  },
  {
    name: 'agor_worktrees_update', description: 'Set a worktree’s issue URL, pull request URL or notes.',
    input: { worktreeId: id, issueUrl: z.string().url().nullable().optional(), pullRequestUrl: z.string().url().nullable().optional(), notes: z.string().max(20_000).nullable().optional() },
    run: (ctx, i) => worktrees.patchWorktree(ctx, i.worktreeId, { issue_url: i.issueUrl, pull_request_url: i.pullRequestUrl, notes: i.notes }),
  },
  { name: 'agor_boards_get', description: 'Get one board.', input: { boardId: id }, run: (ctx, i) => boards.getBoard(ctx, i.boardId) },
  { name: 'agor_boards_list', description: 'List boards you can see.', input: { limit }, run: (ctx, i) => boards.findBoards(ctx, query({ $limit: i.limit })) },
  {
    name: 'agor_boards_create', description: 'Create a board.',
    input: { name: z.string().min(1).max(200), description: z.string().max(2000).optional(), visibility: z.enum(['team', 'private']).optional() },
    run: (ctx, i) => boards.createBoard(ctx, { name: i.name, description: i.description, visibility: i.visibility }),
  },
  {
    name: 'agor_tasks_list', description: 'List tasks (prompts and their status), optionally of one session.',
    input: { sessionId: id.optional(), status: z.string().max(50).optional(), limit },
    run: (ctx, i) => tasks.findTasks(ctx, query({ session_id: i.sessionId, status: i.status, $limit: i.limit })),
  },
  { name: 'agor_tasks_get', description: 'Get one task.', input: { taskId: id }, run: (ctx, i) => tasks.getTask(ctx, i.taskId) },
  {
    name: 'agor_messages_list', description: 'List a session’s messages in order (the current session by default).',
    input: { sessionId: id.optional(), limit, skip: z.number().int().min(0).optional() },
    run: (ctx, i) => messages.findMessages(ctx, query({ session_id: sessionOf(ctx, i.sessionId), $limit: i.limit, $skip: i.skip })),
  },
  { name: 'agor_users_list', description: 'List the team’s users.', input: { limit }, run: (ctx, i) => users.findUsers(ctx, query({ $limit: i.limit })) },
  { name: 'agor_users_get', description: 'Get one user.', input: { userId: id }, run: (ctx, i) => users.getUser(ctx, i.userId) },
  {
    name: 'agor_users_get_current', description: 'Get the user this token acts for.', input: {},
    run: (ctx) => users.getUser(ctx, userIdOf(ctx)),
  },
  {
    name: 'agor_users_update_current', description: 'Change your display name or emoji.',
    input: { name: z.string().min(1).max(200).optional(), emoji: z.string().min(1).max(16).optional() },
    run: (ctx, i) => users.patchUser(ctx, userIdOf(ctx), { name: i.name, emoji: i.emoji }),
  },
  { name: 'agor_repos_list', description: 'List repositories.', input: { limit }, run: (ctx, i) => repos.findRepos(ctx, query({ $limit: i.limit })) },
];

function userIdOf(ctx: Ctx): string {
  if (ctx.actor.kind === 'system') throw invalid('this call needs a user');
  return ctx.actor.user.user_id;
}
