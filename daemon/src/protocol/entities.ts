import { z } from 'zod';
import { AgenticTool, Emoji, Id, Json, MessageRole, Name, SessionStatus, TaskStatus, Timestamp } from './common.js';

const stamps = { created_at: Timestamp, updated_at: Timestamp };

export const User = z.object({
  user_id: Id, email: z.string(), name: z.string(), emoji: z.string(), role: z.enum(['admin', 'member']),
  is_local: z.boolean(), data: Json, ...stamps,
});
export const UserCreate = z.strictObject({
  email: z.email(), password: z.string().min(8).max(256), name: Name.optional(), emoji: Emoji.optional(),
  role: z.enum(['admin', 'member']).optional(),
});
export const UserPatch = z.strictObject({
  name: Name.optional(), emoji: Emoji.optional(), password: z.string().min(8).max(256).optional(),
  role: z.enum(['admin', 'member']).optional(), data: Json.optional(),
});

export const ApiToken = z.object({
  api_token_id: Id, user_id: Id, name: z.string(), prefix: z.string(),
  last_used_at: Timestamp.nullable(), expires_at: Timestamp.nullable(), ...stamps,
});
export const ApiTokenCreate = z.strictObject({ name: Name, expires_in_days: z.number().int().min(1).max(3650).optional() });
export const ApiTokenCreated = ApiToken.extend({ token: z.string() });

export const Repo = z.object({
  repo_id: Id, name: z.string(), slug: z.string(), remote_url: z.string().nullable(), local_path: z.string(),
  default_branch: z.string(), status: z.enum(['cloning', 'ready']), created_by: Id, data: Json, ...stamps,
});
export const RepoCreate = z.union([
  z.strictObject({ url: z.string().min(1).max(2000), name: Name.optional() }),
  z.strictObject({ path: z.string().min(1).max(4000), name: Name.optional() }),
], { error: 'give either {url} to clone or {path} of a local git repository' });
export const RepoPatch = z.strictObject({ name: Name.optional(), data: Json.optional() });

export const GitState = z.object({ branch: z.string(), sha: z.string(), dirty: z.boolean(), refreshed_at: Timestamp });
export const Worktree = z.object({
  worktree_id: Id, repo_id: Id, name: z.string(), path: z.string(), branch: z.string(),
  git_state: GitState.nullable(), issue_url: z.string().nullable(), pull_request_url: z.string().nullable(),
  notes: z.string().nullable(), created_by: Id, data: Json, ...stamps,
});
export const WorktreeCreate = z.strictObject({
  repo_id: Id, name: z.string().min(1).max(100), ref: z.string().min(1).max(250).optional(),
  new_branch: z.union([z.boolean(), z.string().min(1).max(250)]).optional(),
});
export const WorktreePatch = z.strictObject({
  issue_url: z.url().max(2000).nullable().optional(), pull_request_url: z.url().max(2000).nullable().optional(),
  notes: z.string().max(20000).nullable().optional(), data: Json.optional(),
});

export const Board = z.object({
  board_id: Id, name: z.string(), description: z.string().nullable(), visibility: z.enum(['team', 'private']),
  created_by: Id, data: Json, ...stamps,
});
export const BoardCreate = z.strictObject({
  name: Name, description: z.string().max(2000).optional(), visibility: z.enum(['team', 'private']).optional(), data: Json.optional(),
});
export const BoardPatch = BoardCreate.partial();

export const BoardObjectKind = z.enum(['session', 'zone', 'note']);
export const BoardObject = z.object({
  board_object_id: Id, board_id: Id, kind: BoardObjectKind, session_id: Id.nullable(),
  x: z.number(), y: z.number(), width: z.number().nullable(), height: z.number().nullable(),
  data: Json, created_by: Id, ...stamps,
});
const Coord = z.number().finite().min(-1e7).max(1e7);
const Size = z.number().finite().min(0).max(1e7);
export const BoardObjectCreate = z.strictObject({
  board_id: Id, kind: BoardObjectKind, session_id: Id.optional(), x: Coord, y: Coord,
  width: Size.optional(), height: Size.optional(), data: Json.optional(),
});
export const BoardObjectPatch = z.strictObject({
  x: Coord.optional(), y: Coord.optional(), width: Size.nullable().optional(), height: Size.nullable().optional(), data: Json.optional(),
});

export const Session = z.object({
  session_id: Id, worktree_id: Id, board_id: Id.nullable(), title: z.string(), agentic_tool: AgenticTool,
  status: SessionStatus, parent_session_id: Id.nullable(), forked_from_session_id: Id.nullable(),
  forked_at_message_index: z.number().int().nullable(), sdk_session_id: z.string().nullable(),
  message_count: z.number().int(), created_by: Id, data: Json, ...stamps,
});
export const SessionCreate = z.strictObject({
  worktree_id: Id, board_id: Id.nullable().optional(), title: z.string().max(500).optional(),
  agentic_tool: AgenticTool.optional(), data: Json.optional(),
});
export const SessionPatch = z.strictObject({
  title: z.string().max(500).optional(), board_id: Id.nullable().optional(), status: SessionStatus.optional(), data: Json.optional(),
});
export const SessionFork = z.strictObject({ message_index: z.number().int().min(0), title: z.string().max(500).optional() });
export const SessionSpawn = z.strictObject({
  title: z.string().max(500).optional(), prompt: z.string().min(1).max(200000).optional(), agentic_tool: AgenticTool.optional(),
});
export const SessionPrompt = z.strictObject({ prompt: z.string().min(1).max(200000) });
export const Genealogy = z.object({
  session_id: Id,
  ancestors: z.array(z.object({ session_id: Id, relation: z.enum(['fork', 'spawn']), title: z.string() })),
  descendants: z.array(z.object({ session_id: Id, parent_id: Id, relation: z.enum(['fork', 'spawn']), title: z.string(), depth: z.number().int() })),
});

export const Usage = z.record(z.string(), z.number());
export const Task = z.object({
  task_id: Id, session_id: Id, prompt: z.string(), status: TaskStatus, error: z.string().nullable(),
  usage: Usage.nullable(), created_by: Id, started_at: Timestamp.nullable(), completed_at: Timestamp.nullable(),
  data: Json, ...stamps,
});

export const Message = z.object({
  message_id: Id, session_id: Id, task_id: Id.nullable(), index: z.number().int(), role: MessageRole,
  content: z.unknown(), sdk_message_id: z.string().nullable(), ...stamps,
});
export const MessageContent = z.union([z.string().max(1_000_000), z.array(Json).max(1000)]);
export const MessageCreate = z.strictObject({
  session_id: Id, task_id: Id.optional(), index: z.number().int().min(0).optional(), role: MessageRole, content: MessageContent,
});

export const McpServer = z.object({
  mcp_server_id: Id, name: z.string(), transport: z.enum(['http', 'sse', 'stdio']), url: z.string().nullable(),
  command: z.string().nullable(), args: z.array(z.string()), env: z.record(z.string(), z.string()),
  scope: z.enum(['global', 'user']), enabled: z.boolean(), created_by: Id, ...stamps,
});
const McpName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only (1-64)');
export const McpServerCreate = z.strictObject({
  name: McpName, transport: z.enum(['http', 'sse', 'stdio']), url: z.url().max(2000).optional(),
  command: z.string().min(1).max(1000).optional(), args: z.array(z.string().max(1000)).max(100).optional(),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(10000)).optional(),
  scope: z.enum(['global', 'user']).optional(), enabled: z.boolean().optional(),
}).refine((v) => (v.transport === 'stdio' ? !!v.command : !!v.url), {
  message: 'stdio servers need a command; http and sse servers need a url',
});
export const McpServerPatch = z.strictObject({
  name: McpName.optional(), url: z.url().max(2000).optional(), command: z.string().min(1).max(1000).optional(),
  args: z.array(z.string().max(1000)).max(100).optional(),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(10000)).optional(),
  scope: z.enum(['global', 'user']).optional(), enabled: z.boolean().optional(),
});
export const SessionMcpServer = z.object({
  session_mcp_server_id: Id, session_id: Id, mcp_server_id: Id, created_by: Id, ...stamps,
});
export const SessionMcpServerCreate = z.strictObject({ session_id: Id, mcp_server_id: Id });

export const Authentication = z.discriminatedUnion('strategy', [
  z.strictObject({ strategy: z.literal('local'), email: z.string().min(1).max(320), password: z.string().min(1).max(256) }),
  z.strictObject({ strategy: z.literal('refresh'), refreshToken: z.string().min(1).max(4000) }),
]);
export const AuthResult = z.object({ accessToken: z.string(), refreshToken: z.string(), user: User });

export const ContextFile = z.object({ path: z.string(), size: z.number().int(), content: z.string().optional() });

export type User = z.infer<typeof User>;
export type Repo = z.infer<typeof Repo>;
export type Worktree = z.infer<typeof Worktree>;
export type Board = z.infer<typeof Board>;
export type BoardObject = z.infer<typeof BoardObject>;
export type Session = z.infer<typeof Session>;
export type Task = z.infer<typeof Task>;
export type Message = z.infer<typeof Message>;
export type McpServer = z.infer<typeof McpServer>;
export type Genealogy = z.infer<typeof Genealogy>;
