import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted Gemini turn: text parts and/or a function call. */
export interface GeminiTurn {
  text?: string[];
  call?: { name: string; args: Record<string, unknown> };
}

/**
 * A fake Gemini API for the Gemini CLI: the router side call gets its JSON, `streamGenerateContent?alt=sse` replays
 * scripted turns chosen by a `[script:<name>]` marker and advanced by the function responses since.
 */
export class FakeGemini implements AsyncDisposable {
  readonly requests: Array<{ path: string; body: any }> = [];
  private readonly scripts = new Map<string, GeminiTurn[]>();
  private server: Server | null = null;
  port = 0;

  script(name: string, turns: GeminiTurn[]): string {
    this.scripts.set(name, turns);
    return `[script:${name}]`;
  }

  async start(host = '0.0.0.0'): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, host, () => r()));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : {};
    this.requests.push({ path: req.url ?? '', body });
    const usage = { promptTokenCount: 20, candidatesTokenCount: 7, totalTokenCount: 27 };
    if (req.url?.includes(':generateContent')) {
      // The CLI's model router asks for a complexity score as JSON.
      const text = JSON.stringify({ complexity_reasoning: 'simple', complexity_score: 1 });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }], usageMetadata: usage }));
      return;
    }
    if (!req.url?.includes(':streamGenerateContent')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
      return;
    }
    const turn = this.pick(body.contents ?? []);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const parts: unknown[] = (turn.text ?? []).map((text) => ({ text }));
    for (const part of parts) res.write(`data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [part] }, index: 0 }] })}\n\n`);
    const last = turn.call ? [{ functionCall: { name: turn.call.name, args: turn.call.args } }] : [{ text: '' }];
    res.write(`data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: last }, finishReason: 'STOP', index: 0 }], usageMetadata: usage })}\n\n`);
    res.end();
  }

  private pick(contents: Array<{ role?: string; parts?: Array<Record<string, unknown>> }>): GeminiTurn {
    let last = -1;
    let name: string | undefined;
    contents.forEach((c, i) => {
      if (c.role !== 'user') return;
      const found = JSON.stringify(c.parts ?? []).match(/\[script:([\w-]+)\]/g);
      if (found) {
        last = i;
        name = found.at(-1)!.slice(8, -1);
      }
    });
    const turns = name ? this.scripts.get(name) : undefined;
    if (!turns) return { text: ['ok'] };
    const since = contents.slice(last + 1).filter((c) => (c.parts ?? []).some((p) => 'functionResponse' in p)).length;
    return turns[Math.min(since, turns.length - 1)] ?? { text: ['ok'] };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
