import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, ScriptedServer } from './scripted-server.js';

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

/**
 * A fake Anthropic Messages API on a loopback-reachable port: replays scripted turns as SSE, chosen by a marker
 * (`[script:<name>]`) in the latest user prompt and by how many assistant turns followed it. Only the base URL
 * tells the product it is talking to this.
 */
export class FakeAnthropic extends ScriptedServer<Turn> {
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  protected async handle(req: IncomingMessage, body: any, res: ServerResponse): Promise<void> {
    if (req.url?.startsWith('/v1/messages/count_tokens')) return json(res, 200, { input_tokens: 10 });
    if (!req.url?.startsWith('/v1/messages')) return json(res, 404, { type: 'error', error: { type: 'not_found_error', message: `no route ${req.url}` } });
    const turn = this.turnFor(body.messages ?? []);
    if (turn.status) return json(res, turn.status, { type: 'error', error: { type: 'api_error', message: `scripted failure ${turn.status}` } });
    if (!body.stream) return json(res, 200, message(body.model, turn));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
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

  private turnFor(messages: Array<{ role: string; content: unknown }>): Turn {
    return this.pick(messages, (m) => m.role === 'user', (m) => textOf(m.content), (after) => after.filter((m: any) => m.role === 'assistant').length, { text: 'ok' });
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
