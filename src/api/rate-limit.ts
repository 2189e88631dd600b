import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from '../logger.js';
import type { ApiErrorBody } from './errors.js';

export interface ApiRateLimits {
  /** Requests per window for one bearer token (whatever the token, valid or not). */
  perToken: number;
  /** Requests per window from one client address (IPv6: per /56), tokens or not. */
  perIp: number;
  windowMs: number;
}

/** Generous enough for CI logging runs in parallel jobs; a loop gone wrong is stopped within a minute. */
export const DEFAULT_API_RATE_LIMITS: ApiRateLimits = { perToken: 600, perIp: 1200, windowMs: 60_000 };

/**
 * The limiter's key for a bearer token: a hash of the whole token, so one caller cannot spend
 * another's budget by sending a token with the same public id, and no secret sits in memory.
 */
function tokenKey(req: Request): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return m ? createHash('sha256').update(m[1]!).digest('base64url') : undefined;
}

/**
 * Two fixed-window limiters (express-rate-limit's memory store, so each replica counts its own
 * traffic): per client address first, before anything is read or looked up, then per token. Over
 * a limit the answer is 429 with `Retry-After` (seconds) and the API's JSON error body.
 */
export function apiRateLimiters(limits: ApiRateLimits, log: Logger): RequestHandler[] {
  const seconds = Math.ceil(limits.windowMs / 1000);
  const limiter = (name: string, limit: number, per: string, extra: Partial<Parameters<typeof rateLimit>[0]>) =>
    rateLimit({
      windowMs: limits.windowMs,
      limit,
      identifier: name,
      // Retry-After is only set when one of the header kinds is on; draft-8 names each policy, so both limiters' headers show.
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      logger: { warn: (...m: unknown[]) => log.warn('[rate-limit]', ...m), error: (...m: unknown[]) => log.error('[rate-limit]', ...m) },
      handler: (_req, res) => {
        const body: ApiErrorBody = { error: 'rate_limited', field: null, message: `Too many requests ${per}: at most ${limit} per ${seconds} s. Retry after ${res.get('retry-after') ?? seconds} s.` };
        res.status(429).json(body);
      },
      ...extra,
    });
  return [
    limiter('per-ip', limits.perIp, 'from this address', {}),
    limiter('per-token', limits.perToken, 'with this token', { keyGenerator: (req) => tokenKey(req) ?? '', skip: (req) => tokenKey(req) === undefined }),
  ];
}
