import { isUtf8 } from 'node:buffer';
import type { RequestHandler } from 'express';
import type { Clock } from '../clock.js';
import { readCappedBody, SLACK_BODY_LIMIT } from './read-body.js';
import { refuse } from './refuse.js';
import { signatureMatches } from './signing.js';

/** Slack's replay window. Unlike bolt-js we also refuse timestamps this far in the future (clock skew beyond that is a forgery or a broken sender). */
export const MAX_REQUEST_AGE_SECONDS = 300;

/** The charset a Content-Type names, lowercased; undefined when it names none. */
function charsetOf(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();
}

/**
 * Verifies Slack's v0 signature before anything else sees the request, reading the clock we are
 * given (so tests can pin the replay window). In order: a compressed body is refused (415, Slack
 * never compresses), a body over 1 MB is refused as soon as that is known (413, nothing more is
 * read), a bad signature or timestamp is a 401, and a signed body that is not UTF-8 is refused
 * (415 for another charset, 400 for bytes that do not decode) rather than turned into U+FFFD. On
 * success the raw body is left on `req.rawBody` for Bolt's parser.
 */
export function verifySlackRequest(signingSecret: string, clock: Clock): RequestHandler {
  return async (req, res, next) => {
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      refuse(res, 415, 'unsupported_encoding', 'Slack requests are not compressed; send the body without Content-Encoding.');
      return;
    }
    const read = await readCappedBody(req, SLACK_BODY_LIMIT);
    if (!read.ok) {
      refuse(res, 413, 'body_too_large', `The body is larger than ${SLACK_BODY_LIMIT / 1024 / 1024} MB.`);
      return;
    }
    const raw = read.raw;
    // ssl_check pings are unsigned by design and only get a 200 (they are a short form body).
    if (raw.length < 1024 && /(^|&)ssl_check=1(&|$)/.test(raw.toString('latin1'))) {
      res.status(200).send();
      return;
    }
    const ts = Number(req.headers['x-slack-request-timestamp']);
    const sig = req.headers['x-slack-signature'];
    const nowSeconds = Math.floor(clock.now().getTime() / 1000);
    if (!Number.isInteger(ts) || typeof sig !== 'string' || Math.abs(nowSeconds - ts) > MAX_REQUEST_AGE_SECONDS || !signatureMatches(signingSecret, ts, raw, sig)) {
      res.status(401).json({ ok: false, error: 'invalid_signature' });
      return;
    }
    const charset = charsetOf(req.headers['content-type']);
    if (charset !== undefined && charset !== 'utf-8') {
      refuse(res, 415, 'unsupported_charset', `The body must be UTF-8, not ${charset.slice(0, 40)}.`);
      return;
    }
    if (!isUtf8(raw)) {
      refuse(res, 400, 'invalid_encoding', 'The body is not valid UTF-8.');
      return;
    }
    (req as unknown as { rawBody: Buffer }).rawBody = raw;
    next();
  };
}
