import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';

/** Where the built board lives (web/dist), unless AGOR_WEB_DIR says otherwise. */
export const WEB_DIR = process.env.AGOR_WEB_DIR ?? fileURLToPath(new URL('../../../web/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.woff2': 'font/woff2', '.map': 'application/json',
};

/**
 * Serves the board's files, and index.html for browser navigations (the SPA's own routes). API clients asking for
 * JSON still get problem+json 404s.
 */
export function serveWeb(c: Context): Response | null {
  if (c.req.method !== 'GET' || !existsSync(WEB_DIR)) return null;
  const path = normalize(decodeURIComponent(c.req.path)).replace(/^(\.\.[/\\])+/, '');
  const file = join(WEB_DIR, path);
  if (file.startsWith(WEB_DIR + sep) && existsSync(file) && statSync(file).isFile()) {
    const immutable = path.startsWith('/assets/');
    return new Response(readFileSync(file), {
      headers: { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' },
    });
  }
  if (!(c.req.header('accept') ?? '').includes('text/html')) return null;
  const index = join(WEB_DIR, 'index.html');
  return existsSync(index) ? new Response(readFileSync(index), { headers: { 'content-type': TYPES['.html']!, 'cache-control': 'no-cache' } }) : null;
}
