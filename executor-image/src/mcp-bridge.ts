import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Peer } from '@agor/daemon/ipc';

const MAX_BODY = 8 * 1024 * 1024;

/**
 * Agor's MCP server for the agent of one task, on this executor's loopback: each POSTed MCP message goes to the
 * daemon as `mcp.call` over the IPC socket, so the container needs no network route to the daemon. Closes with
 * the task's connection.
 */
export async function startMcpBridge(peer: Peer): Promise<string> {
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) {
        res.writeHead(413).end();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      const reply = await peer.request<{ status: number; body: unknown }>('mcp.call', { body }, { timeoutMs: 10 * 60_000 });
      if (reply.body === null) res.writeHead(reply.status).end();
      else res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
    } catch (err) {
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: `agor is unreachable: ${(err as Error).message}` } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  peer.onClose(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}
