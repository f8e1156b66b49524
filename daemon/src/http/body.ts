import type { Context } from 'hono';
import { DomainError, invalid } from '../core/errors.js';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Reads a JSON body; malformed JSON, a wrong content type or an oversize body are 4xx that say so. */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) throw invalid('send the body as JSON with content-type: application/json');
  const length = Number(c.req.header('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) throw new DomainError('TOO_LARGE', `request body over ${MAX_BODY_BYTES} bytes`);
  const text = await c.req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new DomainError('TOO_LARGE', `request body over ${MAX_BODY_BYTES} bytes`);
  if (text.trim() === '') throw invalid('the request body is empty; send a JSON object');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalid(`malformed JSON: ${(err as Error).message}`);
  }
}
