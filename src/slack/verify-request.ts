import { isUtf8 } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import { signatureMatches } from './signing.js';

/** Slack's replay window. Unlike bolt-js we also refuse timestamps this far in the future (clock skew beyond that is a forgery or a broken sender). */
export const MAX_REQUEST_AGE_SECONDS = 300;

/** Why a request to /slack/events is not let in: the HTTP status, and for 4xx other than 401 a JSON error closing the connection. */
export type Refusal = { status: number; error: string; message?: string; close: boolean };

/** The charset a Content-Type names, lowercased; undefined when it names none. */
function charsetOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined || !contentType.includes('=')) return undefined;
  return /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1]?.toLowerCase();
}

/** A compressed body is refused before it is read (415): Slack never compresses. */
export function encodingRefusal(headers: IncomingHttpHeaders): Refusal | undefined {
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return { status: 415, error: 'unsupported_encoding', message: 'Slack requests are not compressed; send the body without Content-Encoding.', close: true };
  }
  return undefined;
}

/** ssl_check pings are unsigned by design and only get a 200 (they are a short form body). */
export function isSslCheck(raw: Buffer): boolean {
  return raw.length < 1024 && /(^|&)ssl_check=1(&|$)/.test(raw.toString('latin1'));
}

/**
 * Checks Slack's v0 signature of a body read in full (and capped, see read-body.ts), against the
 * clock we are given (so tests can pin the replay window). In order: a bad signature or timestamp is
 * a 401, and a signed body that is not UTF-8 is refused (415 for another charset, 400 for bytes
 * that do not decode) rather than turned into U+FFFD. Undefined: the request may go on.
 */
export function signedBodyRefusal(headers: IncomingHttpHeaders, raw: Buffer, signingSecret: string, nowSeconds: number): Refusal | undefined {
  const ts = Number(headers['x-slack-request-timestamp']);
  const sig = headers['x-slack-signature'];
  if (!Number.isInteger(ts) || typeof sig !== 'string' || Math.abs(nowSeconds - ts) > MAX_REQUEST_AGE_SECONDS || !signatureMatches(signingSecret, ts, raw, sig)) {
    return { status: 401, error: 'invalid_signature', close: false };
  }
  const charset = charsetOf(headers['content-type']);
  if (charset !== undefined && charset !== 'utf-8') {
    return { status: 415, error: 'unsupported_charset', message: `The body must be UTF-8, not ${charset.slice(0, 40)}.`, close: true };
  }
  if (!isUtf8(raw)) return { status: 400, error: 'invalid_encoding', message: 'The body is not valid UTF-8.', close: true };
  return undefined;
}
