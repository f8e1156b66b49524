import type { IncomingMessage, ServerResponse } from 'node:http';
import { ScriptedServer } from './scripted-server.js';

/** One scripted Gemini turn: text parts and/or a function call. */
export interface GeminiTurn {
  text?: string[];
  call?: { name: string; args: Record<string, unknown> };
}

/**
 * A fake Gemini API for the Gemini CLI: the router side call gets its JSON, `streamGenerateContent?alt=sse` replays
 * scripted turns chosen by a `[script:<name>]` marker and advanced by the function responses since.
 */
export class FakeGemini extends ScriptedServer<GeminiTurn> {
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  protected async handle(req: IncomingMessage, body: any, res: ServerResponse): Promise<void> {
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
    const turn = this.turnFor(body.contents ?? []);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const parts: unknown[] = (turn.text ?? []).map((text) => ({ text }));
    for (const part of parts) res.write(`data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: [part] }, index: 0 }] })}\n\n`);
    const last = turn.call ? [{ functionCall: { name: turn.call.name, args: turn.call.args } }] : [{ text: '' }];
    res.write(`data: ${JSON.stringify({ candidates: [{ content: { role: 'model', parts: last }, finishReason: 'STOP', index: 0 }], usageMetadata: usage })}\n\n`);
    res.end();
  }

  private turnFor(contents: Array<{ role?: string; parts?: Array<Record<string, unknown>> }>): GeminiTurn {
    return this.pick(contents, (c) => c.role === 'user', (c) => JSON.stringify(c.parts ?? []), (after) => after.filter((c: any) => (c.parts ?? []).some((p: object) => 'functionResponse' in p)).length, { text: ['ok'] });
  }
}
