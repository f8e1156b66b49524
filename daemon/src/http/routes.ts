import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Jwt } from '../auth/jwt.js';
import type { Ctx } from '../core/context.js';
import { invalid } from '../core/errors.js';
import * as P from '../protocol/entities.js';
import { pageOf } from '../protocol/common.js';
import * as auth from '../services/authentication.js';
import * as boards from '../services/boards.js';
import * as contextFiles from '../services/context-files.js';
import * as credentials from '../services/credentials.js';
import * as mcp from '../services/mcp-servers.js';
import * as messages from '../services/messages.js';
import * as repos from '../services/repos.js';
import * as sessions from '../services/sessions.js';
import * as tasks from '../services/tasks.js';
import * as users from '../services/users.js';
import * as worktrees from '../services/worktrees.js';
import * as t from '../store/schema.js';

export interface Request {
  params: Record<string, string>;
  query: Record<string, string[]>;
  body: unknown;
}

export interface RouteDef {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  body?: z.ZodType;
  response?: z.ZodType;
  status?: number;
  /** Public routes answer without credentials even when auth is required. */
  public?: boolean;
  /** `:id` resolves against this table, accepting unique prefixes. */
  id?: { table: PgTable; column: PgColumn; what: string };
  handler: (ctx: Ctx, req: Request) => Promise<unknown>;
}

const flag = (q: Record<string, string[]>, name: string) => q[name]?.[0] === 'true';
const idOf = (r: Request) => r.params.id as string;

/** Standard CRUD routes of one service; `ops` says which exist. */
function resource(name: string, o: {
  entity: z.ZodType; create?: z.ZodType; patch?: z.ZodType; id: RouteDef['id'];
  find?: RouteDef['handler']; get?: (ctx: Ctx, id: string) => Promise<unknown>;
  post?: (ctx: Ctx, body: unknown) => Promise<unknown>; patchFn?: (ctx: Ctx, id: string, body: unknown) => Promise<unknown>;
  remove?: (ctx: Ctx, id: string, query: Record<string, string[]>) => Promise<unknown>;
}): RouteDef[] {
  const out: RouteDef[] = [];
  const tag = name;
  if (o.find) out.push({ method: 'get', path: `/${name}`, summary: `find ${name}`, tag, response: pageOf(o.entity), handler: o.find });
  const get = o.get;
  if (get) out.push({ method: 'get', path: `/${name}/:id`, summary: `get one of ${name}`, tag, id: o.id, response: o.entity, handler: (ctx, r) => get(ctx, idOf(r)) });
  const post = o.post;
  if (post) out.push({ method: 'post', path: `/${name}`, summary: `create ${name}`, tag, body: o.create, response: o.entity, status: 201, handler: (ctx, r) => post(ctx, r.body) });
  const patch = o.patchFn;
  if (patch) out.push({ method: 'patch', path: `/${name}/:id`, summary: `patch one of ${name}`, tag, id: o.id, body: o.patch, response: o.entity, handler: (ctx, r) => patch(ctx, idOf(r), r.body) });
  const remove = o.remove;
  if (remove) out.push({ method: 'delete', path: `/${name}/:id`, summary: `remove one of ${name}`, tag, id: o.id, response: o.entity, handler: (ctx, r) => remove(ctx, idOf(r), r.query) });
  return out;
}

/** Every REST route of the daemon, in one table that both Hono and `/openapi.json` are built from. */
export function restRoutes(jwt: Jwt, encryptionKey: string): RouteDef[] {
  return [
    { method: 'post', path: '/authentication', summary: 'log in (email + password) or refresh', tag: 'authentication', public: true,
      body: P.Authentication, response: P.AuthResult, status: 201, handler: (ctx, r) => auth.authenticate(ctx, jwt, r.body) },
    { method: 'get', path: '/api-tokens', summary: 'your API tokens (never their secrets)', tag: 'api-tokens', response: pageOf(P.ApiToken), handler: (ctx) => auth.listApiTokens(ctx) },
    { method: 'post', path: '/api-tokens', summary: 'create an API token; the secret is shown once', tag: 'api-tokens', body: P.ApiTokenCreate, response: P.ApiTokenCreated, status: 201,
      handler: (ctx, r) => auth.createApiToken(ctx, r.body) },
    { method: 'delete', path: '/api-tokens/:id', summary: 'revoke an API token', tag: 'api-tokens', response: P.ApiToken,
      id: { table: t.apiTokens, column: t.apiTokens.api_token_id, what: 'API token' }, handler: (ctx, r) => auth.revokeApiToken(ctx, idOf(r)) },
    { method: 'get', path: '/users/me', summary: 'the user this request acts as', tag: 'users', response: P.User,
      handler: async (ctx) => users.getUser(ctx, ctx.actor.kind === 'system' ? '' : ctx.actor.user.user_id) },
    ...resource('users', {
      entity: P.User, create: P.UserCreate, patch: P.UserPatch, id: { table: t.users, column: t.users.user_id, what: 'user' },
      find: (ctx, r) => users.findUsers(ctx, r.query), get: users.getUser, post: users.createUser, patchFn: users.patchUser, remove: users.removeUser,
    }),
    { method: 'get', path: '/users/:id/credentials', summary: 'your provider keys (never the keys themselves)', tag: 'users',
      id: { table: t.users, column: t.users.user_id, what: 'user' }, handler: (ctx, r) => credentials.listCredentials(ctx, idOf(r)) },
    { method: 'put', path: '/users/:id/credentials/:provider', summary: 'store your own provider key (encrypted at rest)', tag: 'users',
      id: { table: t.users, column: t.users.user_id, what: 'user' }, body: credentials.CredentialPut,
      handler: (ctx, r) => credentials.putCredential(ctx, encryptionKey, idOf(r), r.params.provider ?? '', r.body) },
    { method: 'delete', path: '/users/:id/credentials/:provider', summary: 'remove your provider key', tag: 'users',
      id: { table: t.users, column: t.users.user_id, what: 'user' }, handler: (ctx, r) => credentials.removeCredential(ctx, idOf(r), r.params.provider ?? '') },
    ...resource('repos', {
      entity: P.Repo, create: P.RepoCreate, patch: P.RepoPatch, id: { table: t.repos, column: t.repos.repo_id, what: 'repo' },
      find: (ctx, r) => repos.findRepos(ctx, r.query), get: repos.getRepo, post: repos.createRepo, patchFn: repos.patchRepo, remove: repos.removeRepo,
    }),
    ...resource('worktrees', {
      entity: P.Worktree, create: P.WorktreeCreate, patch: P.WorktreePatch, id: { table: t.worktrees, column: t.worktrees.worktree_id, what: 'worktree' },
      find: (ctx, r) => worktrees.findWorktrees(ctx, r.query), get: worktrees.getWorktree, post: worktrees.createWorktree,
      patchFn: worktrees.patchWorktree, remove: (ctx, id, q) => worktrees.removeWorktreeAction(ctx, id, flag(q, 'force')),
    }),
    { method: 'post', path: '/worktrees/:id/refresh', summary: 're-read git state (branch, head, dirty)', tag: 'worktrees', response: P.Worktree,
      id: { table: t.worktrees, column: t.worktrees.worktree_id, what: 'worktree' }, handler: (ctx, r) => worktrees.refreshGitState(ctx, idOf(r)) },
    ...resource('boards', {
      entity: P.Board, create: P.BoardCreate, patch: P.BoardPatch, id: { table: t.boards, column: t.boards.board_id, what: 'board' },
      find: (ctx, r) => boards.findBoards(ctx, r.query), get: boards.getBoard, post: boards.createBoard, patchFn: boards.patchBoard, remove: boards.removeBoard,
    }),
    ...resource('board-objects', {
      entity: P.BoardObject, create: P.BoardObjectCreate, patch: P.BoardObjectPatch,
      id: { table: t.boardObjects, column: t.boardObjects.board_object_id, what: 'board object' },
      find: (ctx, r) => boards.findBoardObjects(ctx, r.query), get: boards.getBoardObjectRow, post: boards.createBoardObject,
      patchFn: boards.patchBoardObject, remove: boards.removeBoardObject,
    }),
    ...sessionRoutes(),
    ...resource('tasks', {
      entity: P.Task, patch: tasks.TaskPatch, id: { table: t.tasks, column: t.tasks.task_id, what: 'task' },
      find: (ctx, r) => tasks.findTasks(ctx, r.query), get: tasks.getTask, patchFn: tasks.patchTask,
    }),
    { method: 'post', path: '/tasks/:id/permission', summary: 'allow or deny the tool an agent is waiting on', tag: 'tasks',
      id: { table: t.tasks, column: t.tasks.task_id, what: 'task' }, body: tasks.PermissionAnswer, response: P.Task,
      handler: (ctx, r) => tasks.answerPermission(ctx, idOf(r), r.body) },
    ...resource('messages', {
      entity: P.Message, create: z.union([P.MessageCreate, z.array(P.MessageCreate)]), id: { table: t.messages, column: t.messages.message_id, what: 'message' },
      find: (ctx, r) => messages.findMessages(ctx, r.query), get: messages.getMessage, post: messages.createMessages,
    }),
    ...resource('mcp-servers', {
      entity: P.McpServer, create: P.McpServerCreate, patch: P.McpServerPatch, id: { table: t.mcpServers, column: t.mcpServers.mcp_server_id, what: 'MCP server' },
      find: (ctx, r) => mcp.findMcpServers(ctx, r.query), get: mcp.getMcpServer, post: mcp.createMcpServer, patchFn: mcp.patchMcpServer, remove: mcp.removeMcpServer,
    }),
    ...resource('session-mcp-servers', {
      entity: P.SessionMcpServer, create: P.SessionMcpServerCreate,
      id: { table: t.sessionMcpServers, column: t.sessionMcpServers.session_mcp_server_id, what: 'session MCP server link' },
      find: (ctx, r) => mcp.findSessionMcpServers(ctx, r.query), post: mcp.createSessionMcpServer, remove: mcp.removeSessionMcpServer,
    }),
    { method: 'get', path: '/context', summary: 'list context files ($AGOR_HOME/context, or ?worktree_id= for its context/)', tag: 'context',
      response: pageOf(P.ContextFile), handler: (ctx, r) => contextFiles.listContext(ctx, worktreeParam(r)) },
    { method: 'get', path: '/context/*', summary: 'read one context file', tag: 'context', response: P.ContextFile,
      handler: (ctx, r) => contextFiles.readContext(ctx, r.params['*'] ?? '', worktreeParam(r)) },
  ];
}

function worktreeParam(r: Request): string | undefined {
  const id = r.query.worktree_id?.[0];
  if (id !== undefined && !/^[0-9a-f-]{36}$/.test(id)) throw invalid('worktree_id must be a full id (UUID)');
  return id;
}

function sessionRoutes(): RouteDef[] {
  const id = { table: t.sessions, column: t.sessions.session_id, what: 'session' };
  const tag = 'sessions';
  return [
    ...resource('sessions', {
      entity: P.Session, create: P.SessionCreate, patch: P.SessionPatch, id,
      find: (ctx, r) => sessions.findSessions(ctx, r.query), get: sessions.getSession, post: sessions.createSession,
      patchFn: sessions.patchSession, remove: (ctx, sid, q) => sessions.removeSession(ctx, sid, flag(q, 'force')),
    }),
    { method: 'post', path: '/sessions/:id/prompt', summary: 'queue a prompt as a task', tag, id, body: P.SessionPrompt, response: P.Task, status: 201,
      handler: (ctx, r) => sessions.promptSession(ctx, idOf(r), r.body) },
    { method: 'post', path: '/sessions/:id/fork', summary: 'fork at a message index', tag, id, body: P.SessionFork, response: P.Session, status: 201,
      handler: (ctx, r) => sessions.forkSession(ctx, idOf(r), r.body) },
    { method: 'post', path: '/sessions/:id/spawn', summary: 'spawn a child session', tag, id, body: P.SessionSpawn, response: P.Session, status: 201,
      handler: (ctx, r) => sessions.spawnSession(ctx, idOf(r), r.body) },
    { method: 'post', path: '/sessions/:id/stop', summary: 'stop the running task and drop queued ones', tag, id,
      response: z.object({ stopped: z.array(z.string()) }), handler: (ctx, r) => sessions.stopSession(ctx, idOf(r)) },
    { method: 'get', path: '/sessions/:id/genealogy', summary: 'ancestors and descendants', tag, id, response: P.Genealogy,
      handler: (ctx, r) => sessions.genealogy(ctx, idOf(r)) },
  ];
}
