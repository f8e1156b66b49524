import { sql } from 'drizzle-orm';
import {
  bigint, boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';

/** Every table's created/updated timestamps, with millisecond precision. */
const timestamps = {
  created_at: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updated_at: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
};

export const users = pgTable('users', {
  user_id: text('user_id').primaryKey(),
  email: text('email').notNull(),
  name: text('name').notNull(),
  emoji: text('emoji').notNull().default('🙂'),
  role: text('role').notNull().default('member'),
  password_hash: text('password_hash'),
  is_local: boolean('is_local').notNull().default(false),
  data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  ...timestamps,
}, (t) => [uniqueIndex('users_email_idx').on(t.email)]);

export const apiTokens = pgTable('api_tokens', {
  api_token_id: text('api_token_id').primaryKey(),
  user_id: text('user_id').notNull().references(() => users.user_id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  token_hash: text('token_hash').notNull(),
  prefix: text('prefix').notNull(),
  last_used_at: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
  expires_at: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
  ...timestamps,
}, (t) => [uniqueIndex('api_tokens_hash_idx').on(t.token_hash), index('api_tokens_user_idx').on(t.user_id)]);

export const repos = pgTable('repos', {
  repo_id: text('repo_id').primaryKey(),
  name: text('name').notNull(),
  slug: text('slug').notNull(),
  remote_url: text('remote_url'),
  local_path: text('local_path').notNull(),
  default_branch: text('default_branch').notNull(),
  status: text('status').notNull().default('ready'),
  created_by: text('created_by').notNull().references(() => users.user_id),
  data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  ...timestamps,
}, (t) => [uniqueIndex('repos_slug_idx').on(t.slug)]);

export const worktrees = pgTable('worktrees', {
  worktree_id: text('worktree_id').primaryKey(),
  repo_id: text('repo_id').notNull().references(() => repos.repo_id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  path: text('path').notNull(),
  branch: text('branch').notNull(),
  git_state: jsonb('git_state').$type<{ branch: string; sha: string; dirty: boolean; refreshed_at: string }>(),
  issue_url: text('issue_url'),
  pull_request_url: text('pull_request_url'),
  notes: text('notes'),
  created_by: text('created_by').notNull().references(() => users.user_id),
  data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  ...timestamps,
}, (t) => [uniqueIndex('worktrees_repo_name_idx').on(t.repo_id, t.name)]);

export const boards = pgTable('boards', {
  board_id: text('board_id').primaryKey(),
  name: text('name').notNull(),
  description: text('description'),
  visibility: text('visibility').notNull().default('team'),
  created_by: text('created_by').notNull().references(() => users.user_id),
  data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  ...timestamps,
});

export const boardObjects = pgTable('board_objects', {
  board_object_id: text('board_object_id').primaryKey(),
  board_id: text('board_id').notNull().references(() => boards.board_id, { onDelete: 'cascade' }),
  kind: text('kind').notNull(),
  session_id: text('session_id').references(() => sessions.session_id, { onDelete: 'cascade' }),
  x: doublePrecision('x').notNull().default(0),
  y: doublePrecision('y').notNull().default(0),
  width: doublePrecision('width'),
  height: doublePrecision('height'),
  data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  created_by: text('created_by').notNull().references(() => users.user_id),
  ...timestamps,
}, (t) => [index('board_objects_board_idx').on(t.board_id), uniqueIndex('board_objects_session_idx').on(t.board_id, t.session_id)]);

export const sessions = pgTable('sessions', {
  session_id: text('session_id').primaryKey(),
  worktree_id: text('worktree_id').notNull().references(() => worktrees.worktree_id),
  board_id: text('board_id').references(() => boards.board_id, { onDelete: 'set null' }),
  title: text('title').notNull().default(''),
  agentic_tool: text('agentic_tool').notNull().default('claude-code'),
  status: text('status').notNull().default('idle'),
  parent_session_id: text('parent_session_id'),
  forked_from_session_id: text('forked_from_session_id'),
  forked_at_message_index: integer('forked_at_message_index'),
  sdk_session_id: text('sdk_session_id'),
  message_count: integer('message_count').notNull().default(0),
  created_by: text('created_by').notNull().references(() => users.user_id),
  data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  ...timestamps,
}, (t) => [
  index('sessions_board_idx').on(t.board_id, t.created_at, t.session_id),
  index('sessions_worktree_idx').on(t.worktree_id, t.created_at, t.session_id),
  index('sessions_status_idx').on(t.status),
  index('sessions_parent_idx').on(t.parent_session_id),
  index('sessions_forked_idx').on(t.forked_from_session_id),
  index('sessions_created_by_idx').on(t.created_by),
  index('sessions_created_at_idx').on(t.created_at, t.session_id),
  index('sessions_mcp_token_idx').on(sql`(${t.data}->>'mcp_token')`),
]);

export const tasks = pgTable('tasks', {
  task_id: text('task_id').primaryKey(),
  session_id: text('session_id').notNull().references(() => sessions.session_id, { onDelete: 'cascade' }),
  prompt: text('prompt').notNull(),
  status: text('status').notNull().default('created'),
  error: text('error'),
  usage: jsonb('usage').$type<Record<string, number>>(),
  created_by: text('created_by').notNull().references(() => users.user_id),
  started_at: timestamp('started_at', { withTimezone: true, mode: 'date' }),
  completed_at: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
  data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  ...timestamps,
}, (t) => [index('tasks_session_idx').on(t.session_id, t.created_at, t.task_id), index('tasks_status_idx').on(t.status)]);

export const messages = pgTable('messages', {
  message_id: text('message_id').primaryKey(),
  session_id: text('session_id').notNull().references(() => sessions.session_id, { onDelete: 'cascade' }),
  task_id: text('task_id'),
  index: integer('index').notNull(),
  role: text('role').notNull(),
  content: jsonb('content').$type<unknown>().notNull(),
  /** The agent SDK's own id for this message, when it came from one: forks resume the SDK session at it. */
  sdk_message_id: text('sdk_message_id'),
  ...timestamps,
}, (t) => [uniqueIndex('messages_session_index_idx').on(t.session_id, t.index), index('messages_task_idx').on(t.task_id)]);

export const mcpServers = pgTable('mcp_servers', {
  mcp_server_id: text('mcp_server_id').primaryKey(),
  name: text('name').notNull(),
  transport: text('transport').notNull(),
  url: text('url'),
  command: text('command'),
  args: jsonb('args').$type<string[]>().notNull().default([]),
  env: jsonb('env').$type<Record<string, string>>().notNull().default({}),
  scope: text('scope').notNull().default('user'),
  enabled: boolean('enabled').notNull().default(true),
  created_by: text('created_by').notNull().references(() => users.user_id),
  ...timestamps,
}, (t) => [index('mcp_servers_created_by_idx').on(t.created_by)]);

export const sessionMcpServers = pgTable('session_mcp_servers', {
  session_mcp_server_id: text('session_mcp_server_id').primaryKey(),
  session_id: text('session_id').notNull().references(() => sessions.session_id, { onDelete: 'cascade' }),
  mcp_server_id: text('mcp_server_id').notNull().references(() => mcpServers.mcp_server_id, { onDelete: 'cascade' }),
  created_by: text('created_by').notNull().references(() => users.user_id),
  ...timestamps,
}, (t) => [uniqueIndex('session_mcp_servers_pair_idx').on(t.session_id, t.mcp_server_id)]);

export const sessionTokens = pgTable('session_tokens', {
  token_hash: text('token_hash').primaryKey(),
  session_id: text('session_id').notNull().references(() => sessions.session_id, { onDelete: 'cascade' }),
  user_id: text('user_id').notNull().references(() => users.user_id, { onDelete: 'cascade' }),
  task_id: text('task_id'),
  expires_at: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  ...timestamps,
}, (t) => [index('session_tokens_expires_idx').on(t.expires_at)]);

export const auditLog = pgTable('audit_log', {
  audit_id: bigint('audit_id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  actor_kind: text('actor_kind').notNull(),
  user_id: text('user_id'),
  session_id: text('session_id'),
  method: text('method').notNull(),
  direction: text('direction').notNull(),
  outcome: text('outcome').notNull(),
  detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
}, (t) => [index('audit_session_idx').on(t.session_id, t.at)]);

/** Large event payloads crossing replicas are parked here and read back by reference (NOTIFY caps at 8,000 bytes). */
export const eventOutbox = pgTable('event_outbox', {
  event_id: text('event_id').primaryKey(),
  payload: jsonb('payload').$type<unknown>().notNull(),
  created_at: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export type UserRow = typeof users.$inferSelect;
export type RepoRow = typeof repos.$inferSelect;
export type WorktreeRow = typeof worktrees.$inferSelect;
export type BoardRow = typeof boards.$inferSelect;
export type BoardObjectRow = typeof boardObjects.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type TaskRow = typeof tasks.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type McpServerRow = typeof mcpServers.$inferSelect;
export type SessionMcpServerRow = typeof sessionMcpServers.$inferSelect;

/** A user's own provider keys, encrypted at rest (AES-256-GCM); they reach agents only through credentials.get. */
export const userCredentials = pgTable('user_credentials', {
  user_id: text('user_id').notNull().references(() => users.user_id, { onDelete: 'cascade' }),
  provider: text('provider').notNull(),
  api_key_encrypted: text('api_key_encrypted').notNull(),
  base_url: text('base_url'),
  ...timestamps,
}, (t) => [uniqueIndex('user_credentials_pk').on(t.user_id, t.provider)]);

/** Each live daemon replica renews its lease; tasks held by a replica whose lease lapsed are failed by a survivor. */
export const daemonLeases = pgTable('daemon_leases', {
  daemon_id: text('daemon_id').primaryKey(),
  expires_at: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  started_at: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
