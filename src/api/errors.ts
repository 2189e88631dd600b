import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { DomainError } from '../domain/errors.js';

/** The body of every API error: a code, the field at fault (dotted path) when there is one, and a sentence. */
export const ApiErrorBody = z.object({ error: z.string(), field: z.string().nullable(), message: z.string() });
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Domain error codes that are not plain input mistakes (400). */
const DOMAIN_STATUS: Record<string, number> = { unknown_project: 404, forbidden: 403, idempotency_conflict: 409 };

/** Prefixes a zod issue's path (`metrics.auc`) onto its field; the whole body is `body`. */
export function fromZod(err: z.ZodError, root?: string): ApiError {
  const issue = err.issues[0];
  // A key is part of the field name; a pathological one is cut so the error stays readable.
  const path = issue?.path.map((p) => String(p).slice(0, 80)) ?? [];
  // An unknown key is reported at its parent; name the key itself, since that is what to fix.
  if (issue?.code === 'unrecognized_keys') path.push(issue.keys[0] ?? '');
  const field = [root, ...path].filter(Boolean).join('.') || 'body';
  return new ApiError(400, 'invalid_request', `${field}: ${issue?.message ?? 'invalid'}`, field);
}

/** Maps every error once: ApiError as is, zod → 400 naming the field, a body that is not JSON → 400, domain codes by table. */
export function apiErrorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    let e: ApiError;
    const httpErr = err as { type?: string; status?: number; message?: string };
    if (err instanceof ApiError) e = err;
    else if (err instanceof z.ZodError) e = fromZod(err);
    else if (err instanceof DomainError) e = new ApiError(DOMAIN_STATUS[err.code] ?? 400, err.code, err.message);
    else if (httpErr?.type === 'entity.parse.failed') e = new ApiError(400, 'invalid_json', `The body is not valid JSON: ${httpErr.message ?? ''}`.trim(), 'body');
    else if (httpErr?.type === 'entity.too.large') e = new ApiError(413, 'too_large', 'The body is larger than the API accepts.', 'body');
    else if (httpErr?.type === 'encoding.unsupported' || httpErr?.type === 'charset.unsupported') e = new ApiError(415, 'unsupported_encoding', httpErr.message ?? 'Unsupported encoding.', 'body');
    else {
      log.error('API request failed', err);
      e = new ApiError(500, 'internal', 'Something went wrong on our side; nothing was changed.');
    }
    const body: ApiErrorBody = { error: e.code, field: e.field, message: e.message };
    res.status(e.status).json(body);
  };
}
