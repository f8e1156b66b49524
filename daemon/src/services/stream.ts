import { z } from 'zod';
import type { Ctx } from '../core/context.js';
import { Id } from '../protocol/common.js';
import { boardAudience, writableSession } from './access.js';
import { parse } from './validate.js';

export const StreamDelta = z.strictObject({
  session_id: Id, message_id: Id, delta: z.string().max(64 * 1024), seq: z.number().int().min(0),
});

/**
 * Sends an assistant text delta to the session's subscribers as a `stream` frame. Deltas are not stored: the
 * complete message follows as a normal `messages created` event under the same `messageId`.
 */
export async function streamDelta(ctx: Ctx, input: unknown): Promise<void> {
  const body = parse(StreamDelta, input, 'stream delta');
  const { board } = await writableSession(ctx.store.db, ctx.actor, body.session_id);
  await ctx.hub.broadcast({
    channels: [`sessions/${body.session_id}`],
    audience: boardAudience(board),
    frame: { type: 'stream', sessionId: body.session_id, messageId: body.message_id, delta: body.delta, seq: body.seq },
  });
}
