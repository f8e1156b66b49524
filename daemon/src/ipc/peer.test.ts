import { mkdtempSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RpcCode } from '../protocol/jsonrpc.js';
import { lineTransport } from './line-transport.js';
import { memoryPair, Peer, PeerClosedError, RpcError } from './peer.js';

const Add = { params: z.strictObject({ a: z.number(), b: z.number() }), result: z.number() };

function serve(peer: Peer) {
  peer.handle('add', Add, ({ a, b }) => a + b);
  peer.handle('fail', undefined, () => { throw new RpcError(RpcCode.FORBIDDEN, 'not yours'); });
  peer.handle('crash', undefined, () => { throw new Error('secret internal detail'); });
  peer.handle('slow', undefined, (_p, signal) => new Promise((resolve, reject) => {
    const t = setTimeout(() => resolve('done'), 5000);
    signal.addEventListener('abort', () => { clearTimeout(t); cancelled.push('slow'); reject(new Error('aborted')); });
  }));
}
const cancelled: string[] = [];

let server: Server | null = null;
afterEach(() => { server?.close(); server = null; });

/** Both ends over a real Unix socket: what the daemon and an executor use. */
async function socketPair(maxFrame?: number): Promise<{ client: Peer; raw: Socket; serverPeer: Promise<Peer> }> {
  const path = join(mkdtempSync(join(tmpdir(), 'agor-ipc-')), 'ipc.sock');
  let resolvePeer: (p: Peer) => void = () => {};
  const serverPeer = new Promise<Peer>((r) => { resolvePeer = r; });
  server = createServer((sock) => {
    const p = new Peer(lineTransport(sock, maxFrame));
    serve(p);
    resolvePeer(p);
  });
  await new Promise<void>((r) => server!.listen(path, () => r()));
  const raw = createConnection(path);
  await new Promise<void>((r) => raw.once('connect', () => r()));
  return { client: new Peer(lineTransport(raw)), raw, serverPeer };
}

describe.each([
  ['in memory', async () => { const [a, b] = memoryPair(); serve(new Peer(b)); return new Peer(a); }],
  ['over a Unix socket', async () => (await socketPair()).client],
] as Array<[string, () => Promise<Peer>]>)('the JSON-RPC peer %s', (_name, make) => {
  it('answers requests, validates params and maps errors without leaking internals', async () => {
    const peer = await make();
    expect(await peer.request('add', { a: 2, b: 3 })).toBe(5);
    await expect(peer.request('add', { a: 'x' })).rejects.toMatchObject({ code: RpcCode.INVALID_PARAMS, message: expect.stringContaining('a:') });
    await expect(peer.request('nope', {})).rejects.toMatchObject({ code: RpcCode.METHOD_NOT_FOUND });
    await expect(peer.request('fail', {})).rejects.toMatchObject({ code: RpcCode.FORBIDDEN, message: 'not yours' });
    const crash = await peer.request('crash', {}).catch((e: RpcError) => e);
    expect(crash).toMatchObject({ code: RpcCode.INTERNAL, message: 'internal error' });
    const many = await Promise.all(Array.from({ length: 50 }, (_, i) => peer.request('add', { a: i, b: i })));
    expect(many).toEqual(Array.from({ length: 50 }, (_, i) => 2 * i));
  });

  it('times out, cancels the handler on the other side, and rejects pending calls on close', async () => {
    const peer = await make();
    cancelled.length = 0;
    await expect(peer.request('slow', {}, { timeoutMs: 50 })).rejects.toMatchObject({ code: RpcCode.TIMEOUT });
    await new Promise((r) => setTimeout(r, 50));
    expect(cancelled).toEqual(['slow']);
    const abort = new AbortController();
    const call = peer.request('slow', {}, { signal: abort.signal });
    abort.abort();
    await expect(call).rejects.toMatchObject({ code: RpcCode.CANCELLED });
    const pending = peer.request('slow', {});
    peer.close('test over');
    await expect(pending).rejects.toBeInstanceOf(PeerClosedError);
    await expect(peer.request('add', { a: 1, b: 1 })).rejects.toBeInstanceOf(PeerClosedError);
  });
});

describe('malformed frames on the socket', () => {
  it('get JSON-RPC errors and the connection keeps serving', async () => {
    const { raw } = await socketPair(1024);
    const replies: any[] = [];
    let buf = '';
    raw.on('data', (d) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      replies.push(...lines.filter(Boolean).map((l) => JSON.parse(l)));
    });
    raw.write('this is not json\n');
    raw.write('{"jsonrpc":"1.0","id":7,"method":5}\n');
    raw.write(`{"jsonrpc":"2.0","id":8,"method":"add","params":{"a":"${'x'.repeat(5000)}"}}\n`);
    raw.write('{"jsonrpc":"2.0","id":9,"method":"add","params":{"a":1,"b":2}}\n');
    await new Promise<void>((resolve) => { const t = setInterval(() => { if (replies.length >= 4) { clearInterval(t); resolve(); } }, 10); });
    expect(replies[0]).toMatchObject({ id: null, error: { code: RpcCode.PARSE_ERROR } });
    expect(replies[1]).toMatchObject({ id: 7, error: { code: RpcCode.INVALID_REQUEST } });
    expect(replies[2]).toMatchObject({ id: null, error: { code: RpcCode.PARSE_ERROR, message: expect.stringContaining('larger than 1024') } });
    expect(replies[3]).toMatchObject({ id: 9, result: 3 });
    raw.destroy();
  });
});

