import { usage } from './errors.js';

/** `90s`, `30m`, `2h` or plain seconds → milliseconds. */
export function parseDuration(text: string): number {
  const m = text.trim().match(/^(\d+(?:\.\d+)?)(ms|s|m|h)?$/);
  if (!m) throw usage(`"${text}" is not a duration: use e.g. 90s, 30m or 2h`);
  const n = Number(m[1]);
  return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h']);
}
