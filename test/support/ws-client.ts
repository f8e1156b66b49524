import WebSocket from 'ws';

/** A WebSocket test client that records every frame and can wait for one matching a predicate. */
export class WsClient {
  readonly frames: any[] = [];
  private waiters: Array<{ match: (f: any) => boolean; resolve: (f: any) => void }> = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => (w.match(frame) ? (w.resolve(frame), false) : true));
    });
    ws.on('close', (code, reason) => { this.closed = { code, reason: reason.toString() }; });
  }

  /** Connects to `<daemon>/ws`; with `ready`, waits for the daemon's ready frame. */
  static async connect(httpUrl: string, opts: { token?: string; query?: boolean } = {}): Promise<WsClient> {
    const url = `${httpUrl.replace(/^http/, 'ws')}/ws${opts.token && opts.query ? `?token=${encodeURIComponent(opts.token)}` : ''}`;
    const headers = opts.token && !opts.query ? { authorization: `Bearer ${opts.token}` } : undefined;
    const ws = new WebSocket(url, { headers });
    const client = new WsClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await client.next((f) => f.type === 'ready' || f.type === 'error', 'the ready frame');
    return client;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  async subscribe(...channels: string[]): Promise<void> {
    this.send({ type: 'subscribe', channels });
    await this.next((f) => f.type === 'subscribed', 'the subscribed frame');
  }

  /** The first frame (already received or still to come) matching `match`, or a failure naming what never came. */
  next(match: (f: any) => boolean, what: string, timeoutMs = 5000): Promise<any> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(this.frames.slice(-5))}`)), timeoutMs);
      this.waiters.push({ match, resolve: (f) => { clearTimeout(timer); resolve(f); } });
    });
  }

  /** Round-trips a ping: every frame the daemon queued before it has arrived once this resolves. */
  async settle(): Promise<void> {
    const before = this.frames.filter((f) => f.type === 'pong').length;
    this.send({ type: 'ping' });
    await this.next(() => this.frames.filter((f) => f.type === 'pong').length > before, 'pong');
  }

  events(service: string, event?: string): any[] {
    return this.frames.filter((f) => f.type === 'event' && f.service === service && (!event || f.event === event));
  }

  close(): void {
    this.ws.terminate();
  }
}
