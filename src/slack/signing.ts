import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack's v0 request signature: hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`. The body may be
 * the bytes as received: they are signed as they are, not as a decoded string would re-encode them.
 */
export function slackSignature(signingSecret: string, timestampSeconds: number, rawBody: string | Buffer): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:`).update(rawBody).digest('hex')}`;
}

export function signatureMatches(signingSecret: string, timestampSeconds: number, rawBody: string | Buffer, signature: string): boolean {
  const expected = Buffer.from(slackSignature(signingSecret, timestampSeconds, rawBody));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
