import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

/**
 * The common part of the fake model servers: a loopback-reachable HTTP server that records every request and
 * replays scripted turns registered by name (`[script:<name>]` markers in prompts choose them). Subclasses speak
 * one provider's wire format.
 */
export abstract class ScriptedServer<Turn> implements AsyncDisposable {
  readonly requests: RecordedRequest[] = [];
  protected readonly scripts = new Map<string, Turn[]>();
  private server: Server | null = null;
  private readonly open = new Set<ServerResponse>();
  port = 0;

  /** Registers turns under `name` and returns the marker to put in a prompt. */
  script(name: string, turns: Turn[]): string {
    this.scripts.set(name, turns);
    return `[script:${name}]`;
  }

  /** Listens on all interfaces so executor containers reach it through their network gateway. */
  async start(host = '0.0.0.0'): Promise<this> {
    this.server = createServer((req, res) => void this.receive(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, host, () => resolve()));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString();
    const body = text ? JSON.parse(text) : {};
    this.requests.push({ path: req.url ?? '', headers: req.headers, body });
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    await this.handle(req, body, res);
  }

  protected abstract handle(req: IncomingMessage, body: any, res: ServerResponse): Promise<void>;

  /** The turn for a conversation: the script named in its latest marked user entry, advanced by `since` turns. */
  protected pick(entries: unknown[], isUser: (e: any) => boolean, textOf: (e: any) => string, since: (after: unknown[]) => number, fallback: Turn): Turn {
    let last = -1;
    let name: string | undefined;
    entries.forEach((e, i) => {
      if (!isUser(e)) return;
      const found = textOf(e).match(/\[script:([\w-]+)\]/g);
      if (found) {
        last = i;
        name = found.at(-1)!.slice(8, -1);
      }
    });
    const turns = name ? this.scripts.get(name) : undefined;
    if (!turns) return fallback;
    return turns[Math.min(since(entries.slice(last + 1)), turns.length - 1)] ?? fallback;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const r of this.open) r.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
