import type { z } from 'zod';
import { invalid } from '../core/errors.js';

type Issue = z.core.$ZodIssue;

/** For a failed union, the issues of the branch that came closest (fewest problems), so the message names a field. */
function closest(issues: Issue[]): Issue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
    const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] as Issue[];
    return best.length ? closest(best.map((i) => ({ ...i, path: [...issue.path, ...i.path] }))) : [issue];
  });
}

/** Parses untrusted input; a failure is a 400 naming each bad field. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, what = 'request body'): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = closest(result.error.issues).map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
  const first = errors[0];
  throw invalid(`invalid ${what}: ${first ? `${first.path}: ${first.message}` : 'unreadable'}`, errors);
}
