import { z } from 'zod';
import { ApiErrorBody } from './errors.js';

/** One API operation as the OpenAPI document shows it, described by the zod schemas the route itself parses with. */
export interface ApiOperation {
  method: 'get' | 'post';
  /** OpenAPI form, e.g. /projects/{slug}/runs */
  path: string;
  summary: string;
  tag: string;
  body?: { name: string; schema: z.ZodType };
  query?: z.ZodObject;
  headers?: { name: string; description: string; required: boolean; schema: z.ZodType }[];
  responses: Record<string, { description: string; schema?: { name: string; schema: z.ZodType } }>;
}

/** Features push their operations here; the document is built on request, so import order does not matter. */
export const API_OPERATIONS: ApiOperation[] = [];

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

export function openApiDocument(ops: ApiOperation[] = API_OPERATIONS): Json {
  const schemas: Json = { ApiError: jsonSchema(ApiErrorBody, 'output') };
  const ref = (name: string, schema: z.ZodType, io: 'input' | 'output') => {
    schemas[name] ??= jsonSchema(schema, io);
    return { $ref: `#/components/schemas/${name}` };
  };
  const paths: Record<string, Json> = {};
  for (const op of ops) {
    const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const queryParams = op.query
      ? Object.entries(jsonSchema(op.query, 'input').properties as Record<string, Json>).map(([name, schema]) => ({ name, in: 'query', required: false, schema }))
      : [];
    const headerParams = (op.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: h.required, description: h.description, schema: jsonSchema(h.schema, 'input') }));
    const responses: Json = {};
    for (const [status, r] of Object.entries(op.responses)) {
      responses[status] = {
        description: r.description,
        content: { 'application/json': { schema: r.schema ? ref(r.schema.name, r.schema.schema, 'output') : { $ref: '#/components/schemas/ApiError' } } },
      };
    }
    paths[op.path] = {
      ...(paths[op.path] ?? {}),
      [op.method]: {
        summary: op.summary,
        tags: [op.tag],
        security: [{ projectToken: [] }],
        parameters: [...pathParams, ...queryParams, ...headerParams],
        ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(op.body.name, op.body.schema, 'input') } } } } : {}),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'MLOps Lifecycle API', version: '1.0.0', description: 'Project-scoped JSON API. Create a token with /mlops token <slug> in Slack.' },
    servers: [{ url: '/api/v1' }],
    components: { securitySchemes: { projectToken: { type: 'http', scheme: 'bearer', description: 'A project token: mlops_<id>_<secret>' } }, schemas },
    paths,
  };
}
