/** Prints `value` as JSON (machine output) or a table of `columns` (people). */
export function print(value: unknown, json: boolean, columns?: Array<[string, (row: any) => unknown]>): void {
  if (json || !columns) {
    process.stdout.write(`${JSON.stringify(value, null, json ? 2 : 0)}\n`);
    return;
  }
  const rows = Array.isArray(value) ? value : [value];
  const cells = rows.map((r) => columns.map(([, get]) => cell(get(r))));
  const widths = columns.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (parts: string[]) => parts.map((p, i) => p.padEnd(widths[i]!)).join('  ').trimEnd();
  process.stdout.write(`${line(columns.map(([h]) => h))}\n${cells.map(line).join('\n')}${cells.length ? '\n' : ''}`);
}

/** A `find` page: the whole page (total, limit, skip, data) as JSON, or its rows as a table. */
export function printPage(page: { data: unknown[] }, json: boolean, columns: Array<[string, (row: any) => unknown]>): void {
  print(json ? page : page.data, json, columns);
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** The first 8 characters of an id: unique in practice, and accepted back as a prefix. */
export const short = (id: unknown) => (typeof id === 'string' ? id.slice(0, 8) : '-');

/** Progress lines on stderr for people; silent under --json or when stderr is not a terminal. */
export function progress(json: boolean): (line: string) => void {
  const on = !json && process.stderr.isTTY;
  return (line) => { if (on) process.stderr.write(`\r\x1b[2K${line}`); };
}
export function progressDone(json: boolean): void {
  if (!json && process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
}

export const jsonArg = { json: { type: 'boolean' as const, description: 'machine-readable JSON output', default: false } };
