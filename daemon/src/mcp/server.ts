import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Ctx } from '../core/context.js';
import { DomainError } from '../core/errors.js';
import { VERSION } from '../version.js';
import { TOOLS } from './tools.js';

/** Results as MCP wants them: JSON text for any client, plus structuredContent for those that read it. */
function ok(value: unknown) {
  const json = JSON.parse(JSON.stringify(value ?? null)) as unknown;
  const structured = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : { result: json };
  return { content: [{ type: 'text' as const, text: JSON.stringify(json) }], structuredContent: structured };
}

/** A domain failure is a tool result the model can read (`isError`), never a protocol failure. */
function failure(err: unknown) {
  const message = err instanceof DomainError ? `${err.code}: ${err.message}` : 'the daemon failed to run this tool; see its log';
  return { content: [{ type: 'text' as const, text: message }], isError: true };
}

/** An MCP server whose tools act as `ctx.actor` through the same services as REST (so every change emits its event). */
export function buildMcpServer(ctx: Ctx): McpServer {
  const server = new McpServer({ name: 'agor', version: VERSION });
  for (const tool of TOOLS) {
    server.registerTool(tool.name, { description: tool.description, inputSchema: tool.input }, async (input: unknown) => {
      try {
        return ok(await tool.run(ctx, input ?? {}));
      } catch (err) {
        if (!(err instanceof DomainError)) ctx.log.error({ err, tool: tool.name }, 'MCP tool failed');
        return failure(err);
      }
    });
  }
  return server;
}

/** Serves one Streamable HTTP request statelessly: a fresh server and transport per request, JSON responses. */
export async function handleMcpRequest(ctx: Ctx, request: Request): Promise<Response> {
  const server = buildMcpServer(ctx);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    return await transport.handleRequest(request);
  } finally {
    void server.close();
  }
}
