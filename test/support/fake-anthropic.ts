import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted model turn: text (streamed in chunks), a tool call, an HTTP error, or a stall. */
export interface Turn {
  text?: string | string[];
  tool?: { name: string; input: Record<string, unknown> };
  /** Delay before each streamed chunk. */
  delayMs?: number;
  /** Answer with this HTTP status instead. */
  status?: number;
  /** Never finish the response (for stop and kill tests). */
  hang?: boolean;
}

export interface RecordedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/**
 * A fake Anthropic Messages API on a loopback-reachable port: replays scripted turns as SSE, chosen by a marker
 * (`[script:<name>]`) in the latest user prompt and by how many assistant turns followed it. Only the base URL
 * tells the product it is talking to this.
 */
export class FakeAnthropic implements AsyncDisposable {
  readonly requests: RecordedRequest[] = [];
  private readonly scripts = new Map<string, Turn[]>();
  private server: Server | null = null;
  private readonly open = new Set<ServerResponse>();
  port = 0;

  script(name: string, turns: Turn[]): string {
    this.scripts.set(name, turns);
    return `[script:${name}]`;
  }

  /** Listens on all interfaces so executor containers reach it through their network gateway. */
  async start(host = '0.0.0.0'): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, host, () => resolve()));
    this.port = (this.server!.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString();
    const body = text ? JSON.parse(text) : {};
    this.requests.push({ path: req.url ?? '', headers: req.headers, body });
    if (req.url?.startsWith('/v1/messages/count_tokens')) return json(res, 200, { input_tokens: 10 });
    if (!req.url?.startsWith('/v1/messages')) return json(res, 404, { type: 'error', error: { type: 'not_found_error', message: `no route ${req.url}` } });
    const turn = this.pick(body.messages ?? []);
    if (turn.status) return json(res, turn.status, { type: 'error', error: { type: 'api_error', message: `scripted failure ${turn.status}` } });
    if (!body.stream) return json(res, 200, message(body.model, turn));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    send('message_start', { type: 'message_start', message: { id: `msg_${Date.now()}${Math.random().toString(16).slice(2, 6)}`, type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 25, output_tokens: 1 } } });
    let index = 0;
    const parts = turn.text === undefined ? [] : Array.isArray(turn.text) ? turn.text : [turn.text];
    if (parts.length) {
      send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const p of parts) {
        if (turn.delayMs) await sleep(turn.delayMs);
        send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: p } });
      }
      send('content_block_stop', { type: 'content_block_stop', index });
      index += 1;
    }
    if (turn.hang) return;
    if (turn.tool) {
      send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: `toolu_${Date.now()}`, name: turn.tool.name, input: {} } });
      send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(turn.tool.input) } });
      send('content_block_stop', { type: 'content_block_stop', index });
    }
    send('message_delta', { type: 'message_delta', delta: { stop_reason: turn.tool ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 12 } });
    send('message_stop', { type: 'message_stop' });
    res.end();
  }

  /** The turn for this request: the script named in the latest user prompt, advanced by the assistant turns since. */
  private pick(messages: Array<{ role: string; content: unknown }>): Turn {
    let lastPrompt = -1;
    let name: string | undefined;
    messages.forEach((m, i) => {
      if (m.role !== 'user') return;
      const t = textOf(m.content);
      const found = t.match(/\[script:([\w-]+)\]/g);
      if (found) {
        lastPrompt = i;
        name = found.at(-1)!.slice(8, -1);
      }
    });
    const turns = name ? this.scripts.get(name) : undefined;
    if (!turns) return { text: 'ok' };
    const since = messages.slice(lastPrompt + 1).filter((m) => m.role === 'assistant').length;
    return turns[Math.min(since, turns.length - 1)] ?? { text: 'ok' };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const r of this.open) r.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b: { type?: string; text?: string }) => (b.type === 'text' ? b.text ?? '' : '')).join('\n');
}

function message(model: string, turn: Turn) {
  const text = turn.text === undefined ? '' : Array.isArray(turn.text) ? turn.text.join('') : turn.text;
  const content: unknown[] = text ? [{ type: 'text', text }] : [];
  if (turn.tool) content.push({ type: 'tool_use', id: `toolu_${Date.now()}`, name: turn.tool.name, input: turn.tool.input });
  return { id: `msg_${Date.now()}`, type: 'message', role: 'assistant', model, content, stop_reason: turn.tool ? 'tool_use' : 'end_turn', stop_sequence: null, usage: { input_tokens: 25, output_tokens: 12 } };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
