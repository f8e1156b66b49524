import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Jwt } from '../auth/jwt.js';
import type { Clock } from '../core/clock.js';
import type { ExecutorPool } from '../executors/pool.js';
import { userForBearer } from '../services/authentication.js';
import { writableSession } from '../services/access.js';
import type { Store } from '../store/driver.js';
import { worktrees, type UserRow } from '../store/schema.js';

/**
 * `/pty?session=<id>&token=<t>`: a shell in the session owner's executor container, in the session's worktree,
 * over a WebSocket (binary frames both ways; a JSON text frame `{"resize":[cols,rows]}` resizes). Only the
 * session's owner may open one, and each socket gets its own shell: no one can attach to another's.
 */
export class TerminalServer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  constructor(private readonly o: { store: Store; jwt: Jwt; clock: Clock; log: Logger; pool: ExecutorPool | null; authRequired: boolean; localUser: UserRow }) {}

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== '/pty') return;
      void this.authorize(url).then(
        (target) => this.wss.handleUpgrade(req, socket, head, (ws) => void this.serve(ws, target)),
        (err: Error) => {
          socket.end(`HTTP/1.1 ${err.message.startsWith('403') ? '403 Forbidden' : '401 Unauthorized'}\r\ncontent-type: text/plain\r\n\r\n${err.message}\n`);
        },
      );
    });
  }

  private async authorize(url: URL): Promise<{ userId: string; worktree: string }> {
    const token = url.searchParams.get('token');
    let user = this.o.authRequired ? null : this.o.localUser;
    if (token) user = (await userForBearer(this.o.store.db, this.o.jwt, token, this.o.clock.now()))?.user ?? null;
    if (!user) throw new Error('401 a valid token is required');
    const sessionId = url.searchParams.get('session') ?? '';
    if (!/^[0-9a-f-]{36}$/.test(sessionId)) throw new Error('403 give ?session=<full session id>');
    const { session } = await writableSession(this.o.store.db, { kind: 'user', user, via: 'jwt' }, sessionId).catch(() => {
      throw new Error('403 only the session’s owner may open its terminal');
    });
    const [wt] = await this.o.store.db.select().from(worktrees).where(eq(worktrees.worktree_id, session.worktree_id));
    if (!wt) throw new Error('403 the session’s worktree is gone');
    return { userId: user.user_id, worktree: wt.path };
  }

  private async serve(ws: import('ws').WebSocket, target: { userId: string; worktree: string }): Promise<void> {
    const pool = this.o.pool;
    if (!pool?.runtime.openTerminal) {
      ws.close(4000, 'terminals need the docker executor runtime');
      return;
    }
    const lease = await pool.acquire(target.userId, target.worktree);
    try {
      const term = await pool.runtime.openTerminal(lease.executor, target.worktree);
      term.stream.on('data', (chunk: Buffer) => ws.send(chunk));
      term.stream.on('end', () => ws.close(1000, 'shell exited'));
      ws.on('message', (data, isBinary) => {
        if (!isBinary) {
          try {
            const msg = JSON.parse(data.toString()) as { resize?: [number, number]; input?: string };
            if (msg.resize) return void term.resize(msg.resize[0], msg.resize[1]);
            if (typeof msg.input === 'string') return void term.stream.write(msg.input);
          } catch {
            return;
          }
        }
        term.stream.write(data as Buffer);
      });
      ws.on('close', () => {
        term.stream.end();
        lease.release();
      });
    } catch (err) {
      this.o.log.warn({ err }, 'opening a terminal failed');
      lease.release();
      ws.close(1011, 'could not open a shell in the executor');
    }
  }

  close(): void {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
  }
}
