import { z } from 'zod';
import type { RouteDef } from './routes.js';

/** Converts a zod schema to JSON Schema for OpenAPI; schemas zod cannot express come out as `{}`. */
function jsonSchema(schema: z.ZodType): unknown {
  try {
    return z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' });
  } catch {
    return {};
  }
}

const problem = {
  description: 'problem+json',
  content: { 'application/problem+json': { schema: {
    type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, errors: { type: 'array' } },
  } } },
};

/** The OpenAPI 3.1 document for the route table: the same zod schemas that validate requests. */
export function openApiDocument(routes: RouteDef[], version: string): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}').replace('/*', '/{path}');
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[r.method] = {
      summary: r.summary, tags: [r.tag], parameters: params,
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } } } : {}),
      responses: {
        [String(r.status ?? 200)]: { description: 'ok', content: { 'application/json': { schema: r.response ? jsonSchema(r.response) : {} } } },
        '4XX': problem,
      },
      ...(r.public ? { security: [] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Agor daemon', version },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
