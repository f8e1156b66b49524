import type { IncomingMessage, ServerResponse } from 'node:http';
import { ScriptedServer } from './scripted-server.js';

/** One scripted Responses turn: a message (text chunks) and/or a function call (shell or MCP). */
export interface ResponsesTurn {
  text?: string[];
  call?: { name: string; namespace?: string; arguments: Record<string, unknown> };
  status?: number;
}

/**
 * A fake OpenAI Responses API (`POST /v1/responses`, SSE) for the Codex CLI: scripts are chosen by a
 * `[script:<name>]` marker in the latest user input and advanced by the function-call outputs since.
 */
export class FakeOpenAI extends ScriptedServer<ResponsesTurn> {
  get url(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  protected async handle(req: IncomingMessage, body: any, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || !req.url?.startsWith('/v1/responses')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
      return;
    }
    const turn = this.turnFor(body.input ?? []);
    if (turn.status) {
      res.writeHead(turn.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `scripted failure ${turn.status}`, type: 'invalid_request_error' } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    const id = `resp_${Date.now()}`;
    send('response.created', { response: { id, status: 'in_progress', output: [] } });
    const output: unknown[] = [];
    let index = 0;
    if (turn.text?.length) {
      const itemId = `msg_${Date.now()}`;
      const full = turn.text.join('');
      const item = { type: 'message', role: 'assistant', id: itemId, status: 'completed', content: [{ type: 'output_text', text: full, annotations: [] }] };
      send('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', content: [] } });
      for (const delta of turn.text) send('response.output_text.delta', { item_id: itemId, output_index: index, content_index: 0, delta });
      send('response.output_item.done', { output_index: index, item });
      output.push(item);
      index += 1;
    }
    if (turn.call) {
      const item = { type: 'function_call', id: `fc_${Date.now()}`, call_id: `call_${Date.now()}`, name: turn.call.name, ...(turn.call.namespace ? { namespace: turn.call.namespace } : {}), arguments: JSON.stringify(turn.call.arguments) };
      send('response.output_item.added', { output_index: index, item });
      send('response.output_item.done', { output_index: index, item });
      output.push(item);
    }
    send('response.completed', { response: { id, status: 'completed', output, usage: { input_tokens: 30, input_tokens_details: { cached_tokens: 0 }, output_tokens: 9, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 39 } } });
    res.end();
  }

  private turnFor(input: Array<{ type?: string; role?: string; content?: unknown }>): ResponsesTurn {
    return this.pick(input, (i) => i.role === 'user', (i) => JSON.stringify(i.content ?? ''), (after) => after.filter((i: any) => i.type === 'function_call_output').length, { text: ['ok'] });
  }
}
