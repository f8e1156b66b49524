import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Jwt } from '../auth/jwt.js';
import type { Clock } from '../core/clock.js';
import { ClientFrame, type ServerFrame } from '../protocol/ws.js';
import { canReadBoard, loadBoard } from '../services/access.js';
import { userForBearer } from '../services/authentication.js';
import type { Store } from '../store/driver.js';
import type { UserRow } from '../store/schema.js';
import type { EventHub, HubMessage } from './hub.js';
import { PresenceRegistry } from './presence.js';
import { Throttle } from './throttle.js';

export interface WsOptions {
  hub: EventHub;
  store: Store;
  jwt: Jwt;
  clock: Clock;
  log: Logger;
  authRequired: boolean;
  localUser: UserRow;
  /** Bytes a client may have queued before it is cut off as too slow. */
  maxBufferedBytes?: number;
  pingIntervalMs?: number;
}

interface Client {
  id: number;
  ws: WebSocket;
  user: UserRow | null;
  channels: Set<string>;
  /** Boards this client announced presence on, with who may hear about it. */
  boards: Map<string, string[] | null>;
  alive: boolean;
}

const MAX_CLIENT_FRAME = 64 * 1024;

/** `/ws`: event fan-out to subscribed, authorized clients; presence and cursors; slow or dead clients are cut off. */
export class WsServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME, perMessageDeflate: false });
  private readonly clients = new Set<Client>();
  private readonly presence = new PresenceRegistry();
  private readonly cursors: Throttle<HubMessage>;
  private readonly presenceThrottle: Throttle<HubMessage>;
  private readonly unsubscribe: () => void;
  private readonly pinger: NodeJS.Timeout;
  private nextId = 1;
  slowDisconnects = 0;

  constructor(private readonly o: WsOptions) {
    const broadcast = (m: HubMessage) => void o.hub.broadcast(m).catch((err) => o.log.warn({ err }, 'broadcast failed'));
    this.cursors = new Throttle(100, broadcast);
    this.presenceThrottle = new Throttle(100, broadcast);
    this.unsubscribe = o.hub.subscribe((m) => this.deliver(m));
    this.pinger = setInterval(() => this.ping(), o.pingIntervalMs ?? 30_000);
    this.pinger.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over HTTP upgrades to `/ws`; anything else is refused. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/ws') return;
      this.wss.handleUpgrade(req, socket, head, (ws) => void this.accept(ws, req, url));
    });
  }

  private async accept(ws: WebSocket, req: IncomingMessage, url: URL): Promise<void> {
    const client: Client = { id: this.nextId++, ws, user: null, channels: new Set(), boards: new Map(), alive: true };
    this.clients.add(client);
    ws.on('pong', () => { client.alive = true; });
    ws.on('close', () => this.remove(client));
    ws.on('error', () => ws.terminate());
    // Frames that arrive while the token is being checked wait their turn.
    let queue: Promise<void> = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      queue = queue.then(() => this.onFrame(client, data, isBinary)).catch((err) => {
        this.o.log.warn({ err }, 'websocket frame failed');
        this.send(client, { type: 'error', code: 'INTERNAL', message: 'the daemon could not handle this frame' });
      });
    });
    const token = url.searchParams.get('token') ?? req.headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
    queue = queue.then(async () => {
      if (token) {
        const found = await userForBearer(this.o.store.db, this.o.jwt, token, this.o.clock.now());
        if (!found) return this.reject(client, 'the token is invalid, expired or revoked');
        client.user = found.user;
      } else if (!this.o.authRequired) {
        client.user = this.o.localUser;
      }
      this.send(client, { type: 'ready', userId: client.user?.user_id ?? null, authRequired: this.o.authRequired });
    });
  }

  private reject(client: Client, message: string): void {
    this.send(client, { type: 'error', code: 'UNAUTHENTICATED', message });
    client.ws.close(4401, 'unauthenticated');
  }

  private async onFrame(client: Client, data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) return this.send(client, { type: 'error', code: 'BAD_FRAME', message: 'send JSON text frames' });
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      return this.send(client, { type: 'error', code: 'BAD_FRAME', message: 'frames must be JSON' });
    }
    const parsed = ClientFrame.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.send(client, { type: 'error', code: 'BAD_FRAME', message: `invalid frame: ${issue ? `${issue.path.join('.') || 'type'}: ${issue.message}` : 'unreadable'}` });
    }
    const frame = parsed.data;
    if (frame.type === 'auth') {
      const found = await userForBearer(this.o.store.db, this.o.jwt, frame.token, this.o.clock.now());
      if (!found) return this.reject(client, 'the token is invalid, expired or revoked');
      client.user = found.user;
      return this.send(client, { type: 'authenticated', userId: found.user.user_id });
    }
    if (frame.type === 'ping') return this.send(client, { type: 'pong' });
    const user = client.user;
    if (!user) return this.send(client, { type: 'error', code: 'UNAUTHENTICATED', message: 'send {"type":"auth","token":…} first' });
    switch (frame.type) {
      case 'subscribe':
        for (const c of frame.channels) client.channels.add(c);
        this.send(client, { type: 'subscribed', channels: [...client.channels] });
        for (const c of frame.channels) {
          if (!c.startsWith('boards/')) continue;
          const boardId = c.slice(7);
          if (await this.mayReadBoard(user, boardId)) for (const p of this.presence.on(boardId)) this.send(client, p);
        }
        return;
      case 'unsubscribe':
        for (const c of frame.channels) client.channels.delete(c);
        return this.send(client, { type: 'unsubscribed', channels: [...client.channels] });
      case 'cursor':
      case 'presence': {
        const board = await loadBoard(this.o.store.db, frame.boardId);
        if (!board || !canReadBoard({ kind: 'user', user, via: 'jwt' }, board)) {
          return this.send(client, { type: 'error', code: 'NOT_FOUND', message: `board ${frame.boardId} does not exist` });
        }
        const audience = board.visibility === 'private' ? [board.created_by] : null;
        const who = { userId: user.user_id, name: user.name, emoji: user.emoji };
        if (frame.type === 'cursor') {
          this.cursors.push(`${user.user_id}:${frame.boardId}`, { channels: [`boards/${frame.boardId}`], audience, frame: { type: 'cursor', boardId: frame.boardId, x: frame.x, y: frame.y, ...who } });
          return;
        }
        if (frame.state === 'left') client.boards.delete(frame.boardId);
        else client.boards.set(frame.boardId, audience);
        const message: HubMessage = { channels: [`boards/${frame.boardId}`], audience, frame: { type: 'presence', boardId: frame.boardId, state: frame.state, ...who } };
        if (frame.state === 'left') void this.o.hub.broadcast(message);
        else this.presenceThrottle.push(`${user.user_id}:${frame.boardId}`, message);
      }
    }
  }

  private async mayReadBoard(user: UserRow, boardId: string): Promise<boolean> {
    const board = await loadBoard(this.o.store.db, boardId);
    return !!board && canReadBoard({ kind: 'user', user, via: 'jwt' }, board);
  }

  /** Sends a hub message, serialized once, to every client subscribed to a covering channel whose user may see it. */
  private deliver(m: HubMessage): void {
    if (m.frame.type === 'presence') this.presence.apply(m.frame);
    // Serialized and encoded once, however many clients receive it.
    let payload: Buffer | null = null;
    for (const client of this.clients) {
      const user = client.user;
      if (!user || client.channels.size === 0) continue;
      if (m.audience && user.role !== 'admin' && !m.audience.includes(user.user_id)) continue;
      if (!client.channels.has('*') && !m.channels.some((c) => client.channels.has(c))) continue;
      // Others see your cursor; it is not echoed back to you.
      if (m.frame.type === 'cursor' && m.frame.userId === user.user_id) continue;
      payload ??= Buffer.from(JSON.stringify(m.frame));
      this.sendPayload(client, payload);
    }
  }

  private send(client: Client, frame: ServerFrame): void {
    this.sendPayload(client, Buffer.from(JSON.stringify(frame)));
  }

  /** Queues a text frame, or cuts the client off once it has more than the allowed bytes waiting. */
  private sendPayload(client: Client, payload: Buffer): void {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    if (client.ws.bufferedAmount + payload.length > (this.o.maxBufferedBytes ?? 4 * 1024 * 1024)) {
      this.slowDisconnects += 1;
      this.o.log.warn({ client: client.id, user: client.user?.user_id, buffered: client.ws.bufferedAmount }, 'disconnecting a slow websocket client');
      client.ws.close(4008, 'too slow: the client stopped reading');
      // A peer that reads nothing will not complete the close handshake either.
      setTimeout(() => client.ws.terminate(), 1000).unref();
      this.remove(client);
      return;
    }
    client.ws.send(payload, { binary: false });
  }

  private ping(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        client.ws.terminate();
        this.remove(client);
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }

  /** Forgets a client; the boards it was on hear that it left (unless the same user is still there on another socket). */
  private remove(client: Client): void {
    if (!this.clients.delete(client)) return;
    const user = client.user;
    if (!user) return;
    for (const [boardId, audience] of client.boards) {
      const stillThere = [...this.clients].some((c) => c.user?.user_id === user.user_id && c.boards.has(boardId));
      if (stillThere) continue;
      this.cursors.drop(`${user.user_id}:${boardId}`);
      this.presenceThrottle.drop(`${user.user_id}:${boardId}`);
      void this.o.hub.broadcast({
        channels: [`boards/${boardId}`], audience,
        frame: { type: 'presence', boardId, state: 'left', userId: user.user_id, name: user.name, emoji: user.emoji },
      });
    }
  }

  async close(): Promise<void> {
    clearInterval(this.pinger);
    this.unsubscribe();
    for (const client of this.clients) client.ws.terminate();
    this.clients.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
