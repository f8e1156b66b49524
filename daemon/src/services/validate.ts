import type { z } from 'zod';
import { invalid } from '../core/errors.js';

/** Parses untrusted input; a failure is a 400 naming each bad field. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, what = 'request body'): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
  const first = errors[0];
  throw invalid(`invalid ${what}: ${first ? `${first.path}: ${first.message}` : 'unreadable'}`, errors);
}
