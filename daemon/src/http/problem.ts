import type { Context } from 'hono';
import type { Logger } from 'pino';
import { DomainError, httpStatusOf } from '../core/errors.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large',
  422: 'Unprocessable Content', 500: 'Internal Server Error',
};

/** Writes an `application/problem+json` response. */
export function problem(status: number, detail: string, errors?: unknown[]): Response {
  const body = { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, ...(errors && errors.length ? { errors } : {}) };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json', ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}) },
  });
}

/** The one place HTTP turns failures into responses: domain errors say what went wrong, anything else is a bare 500. */
export function errorResponder(log: Logger) {
  return function onError(err: Error, c: Context): Response {
    if (err instanceof DomainError) return problem(httpStatusOf[err.code], err.message, err.errors);
    log.error({ err, path: c.req.path, method: c.req.method }, 'request failed');
    return problem(500, 'the daemon failed to handle this request; see its log');
  };
}
