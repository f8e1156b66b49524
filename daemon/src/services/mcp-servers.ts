import { and, eq, or } from 'drizzle-orm';
import { type Ctx, actorUser, isPrivileged, transact } from '../core/context.js';
import { conflict, forbidden, invalid, notFound } from '../core/errors.js';
import { uuidv7 } from '../core/ids.js';
import { McpServerCreate, McpServerPatch, SessionMcpServerCreate } from '../protocol/entities.js';
import { mcpServers, sessionMcpServers, type McpServerRow, type SessionMcpServerRow } from '../store/schema.js';
import { assertOwner, readableSession, writableSession } from './access.js';
import { serviceEvent } from './events.js';
import { findPage, parseFindQuery, type FindSpec } from './find.js';
import { parse } from './validate.js';

const spec: FindSpec = {
  service: 'mcp-servers',
  table: mcpServers,
  columns: {
    name: { column: mcpServers.name, kind: 'text' }, transport: { column: mcpServers.transport, kind: 'text' },
    scope: { column: mcpServers.scope, kind: 'text' }, enabled: { column: mcpServers.enabled, kind: 'bool' },
    created_by: { column: mcpServers.created_by, kind: 'id' }, created_at: { column: mcpServers.created_at, kind: 'text', sortOnly: true },
  },
  defaultSort: [['created_at', 1]],
  tiebreak: mcpServers.mcp_server_id,
};

/** Global servers are the team's; user servers (with their env, which may hold keys) are their owner's alone. */
const visibleSql = (ctx: Ctx) => (isPrivileged(ctx.actor) ? undefined : or(eq(mcpServers.scope, 'global'), eq(mcpServers.created_by, actorUser(ctx.actor)?.user_id ?? '')));
const audience = (s: McpServerRow) => (s.scope === 'global' ? null : [s.created_by]);

export function findMcpServers(ctx: Ctx, query: Record<string, string[]>) {
  const v = visibleSql(ctx);
  return findPage<McpServerRow>(ctx, spec, parseFindQuery(query, spec), v ? [v] : []);
}

export async function getMcpServer(ctx: Ctx, id: string): Promise<McpServerRow> {
  const [row] = await ctx.store.db.select().from(mcpServers).where(and(eq(mcpServers.mcp_server_id, id), visibleSql(ctx)));
  if (!row) throw notFound('MCP server', id);
  return row;
}

export async function createMcpServer(ctx: Ctx, input: unknown): Promise<McpServerRow> {
  const body = parse(McpServerCreate, input);
  const user = actorUser(ctx.actor);
  if (!user) throw invalid('MCP servers are added by users');
  if (body.scope === 'global' && !isPrivileged(ctx.actor)) throw forbidden('only an admin may add a global MCP server');
  if (body.name === 'agor') throw conflict('the name "agor" is reserved for Agor\'s own MCP server');
  return transact(ctx, async (tx, emit) => {
    const [row] = await tx.insert(mcpServers).values({ mcp_server_id: uuidv7(), ...body, created_by: user.user_id }).returning();
    emit(serviceEvent('mcp-servers', 'created', row as McpServerRow, [], audience(row as McpServerRow)));
    return row as McpServerRow;
  });
}

export async function patchMcpServer(ctx: Ctx, id: string, input: unknown): Promise<McpServerRow> {
  const body = parse(McpServerPatch, input);
  assertOwner(ctx.actor, (await getMcpServer(ctx, id)).created_by, 'MCP server');
  if (body.scope === 'global' && !isPrivileged(ctx.actor)) throw forbidden('only an admin may make an MCP server global');
  if (body.name === 'agor') throw conflict('the name "agor" is reserved for Agor\'s own MCP server');
  return transact(ctx, async (tx, emit) => {
    const [row] = await tx.update(mcpServers).set({ ...body, updated_at: ctx.clock.now() }).where(eq(mcpServers.mcp_server_id, id)).returning();
    if (!row) throw notFound('MCP server', id);
    emit(serviceEvent('mcp-servers', 'patched', row, [], audience(row)));
    return row;
  });
}

export async function removeMcpServer(ctx: Ctx, id: string): Promise<McpServerRow> {
  assertOwner(ctx.actor, (await getMcpServer(ctx, id)).created_by, 'MCP server');
  return transact(ctx, async (tx, emit) => {
    const [row] = await tx.delete(mcpServers).where(eq(mcpServers.mcp_server_id, id)).returning();
    if (!row) throw notFound('MCP server', id);
    emit(serviceEvent('mcp-servers', 'removed', row, [], audience(row)));
    return row;
  });
}

const linkSpec: FindSpec = {
  service: 'session-mcp-servers',
  table: sessionMcpServers,
  columns: {
    session_id: { column: sessionMcpServers.session_id, kind: 'id' }, mcp_server_id: { column: sessionMcpServers.mcp_server_id, kind: 'id' },
    created_at: { column: sessionMcpServers.created_at, kind: 'text', sortOnly: true },
  },
  defaultSort: [['created_at', 1]],
  tiebreak: sessionMcpServers.session_mcp_server_id,
};

export async function findSessionMcpServers(ctx: Ctx, query: Record<string, string[]>) {
  const sessionId = query.session_id?.[0];
  if (!sessionId) throw invalid('session-mcp-servers are listed per session: pass session_id');
  const q = parseFindQuery(query, linkSpec);
  await readableSession(ctx.store.db, ctx.actor, sessionId);
  return findPage<SessionMcpServerRow>(ctx, linkSpec, q);
}

/** Attaches an MCP server the caller can see to a session the caller may change. */
export async function createSessionMcpServer(ctx: Ctx, input: unknown): Promise<SessionMcpServerRow> {
  const body = parse(SessionMcpServerCreate, input);
  const user = actorUser(ctx.actor);
  if (!user) throw invalid('links are made by users');
  await writableSession(ctx.store.db, ctx.actor, body.session_id);
  await getMcpServer(ctx, body.mcp_server_id);
  return transact(ctx, async (tx, emit) => {
    const [row] = await tx.insert(sessionMcpServers).values({ session_mcp_server_id: uuidv7(), ...body, created_by: user.user_id }).onConflictDoNothing().returning();
    if (!row) throw conflict('this MCP server is already attached to the session');
    emit(serviceEvent('session-mcp-servers', 'created', row, [`sessions/${row.session_id}`]));
    return row;
  });
}

export async function removeSessionMcpServer(ctx: Ctx, id: string): Promise<SessionMcpServerRow> {
  const [link] = await ctx.store.db.select().from(sessionMcpServers).where(eq(sessionMcpServers.session_mcp_server_id, id));
  if (!link) throw notFound('session MCP server link', id);
  await writableSession(ctx.store.db, ctx.actor, link.session_id);
  return transact(ctx, async (tx, emit) => {
    const [row] = await tx.delete(sessionMcpServers).where(eq(sessionMcpServers.session_mcp_server_id, id)).returning();
    if (!row) throw notFound('session MCP server link', id);
    emit(serviceEvent('session-mcp-servers', 'removed', row, [`sessions/${row.session_id}`]));
    return row;
  });
}
