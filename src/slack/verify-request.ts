import type { RequestHandler } from 'express';
import type { Clock } from '../clock.js';
import { signatureMatches } from './signing.js';

/** Slack's replay window. Unlike bolt-js we also refuse timestamps this far in the future (clock skew beyond that is a forgery or a broken sender). */
export const MAX_REQUEST_AGE_SECONDS = 300;

/**
 * Verifies Slack's v0 signature before anything else sees the request, reading the clock we are
 * given (so tests can pin the replay window). On success the raw body is left on `req.rawBody` for
 * Bolt's parser; on failure the answer is 401 and nothing runs.
 */
export function verifySlackRequest(signingSecret: string, clock: Clock): RequestHandler {
  return (req, res, next) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', next);
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      // ssl_check pings are unsigned by design and only get a 200.
      if (body.startsWith('ssl_check=1') || /(^|&)ssl_check=1(&|$)/.test(body)) {
        res.status(200).send();
        return;
      }
      const ts = Number(req.headers['x-slack-request-timestamp']);
      const sig = req.headers['x-slack-signature'];
      const nowSeconds = Math.floor(clock.now().getTime() / 1000);
      if (!Number.isInteger(ts) || typeof sig !== 'string' || Math.abs(nowSeconds - ts) > MAX_REQUEST_AGE_SECONDS || !signatureMatches(signingSecret, ts, body, sig)) {
        res.status(401).json({ ok: false, error: 'invalid_signature' });
        return;
      }
      (req as unknown as { rawBody: Buffer }).rawBody = raw;
      next();
    });
  };
}
