import type { ErrorRequestHandler } from 'express';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import { DomainError } from '../domain/errors.js';
import { isDatabaseUnavailable } from '../shared/database-unavailable.js';
import { printable } from '../shared/printable.js';

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

export const UTF8_ONLY = 'Send JSON encoded as UTF-8 (Content-Type: application/json or application/json; charset=utf-8).';

/** Domain error codes that are not plain input mistakes (400). */
const DOMAIN_STATUS: Record<string, number> = { unknown_project: 404, forbidden: 403, idempotency_conflict: 409 };

/** Prefixes a zod issue's path (`metrics.auc`) onto its field; the whole body is `body`. */
export function fromZod(err: z.ZodError, root?: string): ApiError {
  const issue = err.issues[0];
  // A key is part of the field name: a pathological one is cut, and controls or invisible
  // characters in it are shown as \u{…}, so the field reads as what it is.
  const path = issue?.path.map((p) => printable(String(p), 80)) ?? [];
  // An unknown key is reported at its parent; name the key itself, since that is what to fix.
  if (issue?.code === 'unrecognized_keys') path.push(printable(issue.keys[0] ?? '', 80));
  const field = [root, ...path].filter(Boolean).join('.') || 'body';
  return new ApiError(400, 'invalid_request', `${field}: ${issue?.message ?? 'invalid'}`, field);
}

/** What Express and body-parser throw: http-errors with a status and a `type`, or the router's URIError. */
type HttpError = { type?: string; status?: number; expose?: boolean; message?: string };

/** Maps an error that is not ours, or undefined when it is not a client mistake. */
function fromHttpError(err: unknown): ApiError | undefined {
  const e = err as HttpError;
  // The router could not percent-decode a path parameter (`/projects/%E0%A4%A/runs`).
  if (err instanceof URIError) return new ApiError(400, 'invalid_path', 'The path has a malformed percent escape (such as %E0%A4%A); encode it as UTF-8 with %XX for each byte.', 'path');
  switch (e?.type) {
    case 'entity.parse.failed':
      return new ApiError(400, 'invalid_json', printable(`The body is not valid JSON: ${e.message ?? ''}`.trim(), 300), 'body');
    case 'entity.too.large':
      return new ApiError(413, 'too_large', 'The body is larger than the API accepts.', 'body');
    case 'encoding.unsupported':
      return new ApiError(415, 'unsupported_encoding', 'Unsupported Content-Encoding: send the body as is, or compressed with gzip, deflate or br.', 'body');
    case 'charset.unsupported':
      return new ApiError(415, 'unsupported_encoding', `The body's charset is not UTF-8. ${UTF8_ONLY}`, 'body');
  }
  // Anything else body-parser marks as the client's (a corrupt gzip or br stream, an aborted upload).
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose !== false) {
    return new ApiError(400, 'invalid_body', printable(`The body could not be read: ${e.message ?? 'malformed'}.`, 300), 'body');
  }
  return undefined;
}

/** Seconds a client is asked to wait when the database is unavailable: about a server restart. */
export const UNAVAILABLE_RETRY_AFTER_S = 5;

/**
 * Maps every error once: ApiError as is, zod → 400 naming the field, a body or path that cannot be
 * read → 4xx, domain codes by table, the database unreachable → 503 with Retry-After (a client, CI
 * say, should retry: nothing was written, and the app reconnects on its own).
 */
export function apiErrorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    let e: ApiError;
    if (err instanceof ApiError) e = err;
    else if (err instanceof z.ZodError) e = fromZod(err);
    else if (err instanceof DomainError) e = new ApiError(DOMAIN_STATUS[err.code] ?? 400, err.code, err.message);
    else {
      const mapped = fromHttpError(err);
      if (mapped) e = mapped;
      else if (isDatabaseUnavailable(err)) {
        // Not a bug of ours and no stack to read: one line, not an error report per request.
        log.warn(`API request refused: the database is unavailable (${err instanceof Error ? err.message : String(err)})`);
        e = new ApiError(503, 'unavailable', 'The database is unavailable right now, so nothing was changed. Try again in a few seconds.');
      } else {
        log.error('API request failed', err);
        e = new ApiError(500, 'internal', 'Something went wrong on our side; nothing was changed.');
      }
    }
    if (res.headersSent) return;
    const body: ApiErrorBody = { error: e.code, field: e.field, message: e.message };
    if (e.status === 503 && !res.get('retry-after')) res.set('retry-after', String(UNAVAILABLE_RETRY_AFTER_S));
    res.status(e.status).json(body);
  };
}
