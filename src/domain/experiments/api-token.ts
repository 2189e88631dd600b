import { createHash, randomBytes } from 'node:crypto';

/**
 * Project API tokens look like `mlops_<public id>_<secret>`: the public id names the token in
 * listings and `/mlops token <slug> revoke <id>`; the whole string is hashed for lookup, so the
 * database never holds anything that authenticates.
 */
const TOKEN = /^mlops_([a-z0-9]{10})_([A-Za-z0-9_-]{43})$/;
export const PUBLIC_ID = /^[a-z0-9]{10}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Lowercase base-36 characters naming something in a URL or a listing: unique enough, never a secret. */
export function randomPublicId(length: number): string {
  return [...randomBytes(length)].map((b) => (b % 36).toString(36)).join('');
}

export function newToken(): { token: string; publicId: string; hash: string } {
  // 10 base-36 characters: ~51 bits, plenty to keep public ids unique without being a secret.
  const publicId = randomPublicId(10);
  const secret = randomBytes(32).toString('base64url');
  const token = `mlops_${publicId}_${secret}`;
  return { token, publicId, hash: hashToken(token) };
}

/** The hash to look up for a presented token, or null when it cannot be one of ours. */
export function tokenLookupHash(presented: string): string | null {
  return TOKEN.test(presented) ? hashToken(presented) : null;
}

/** A token's name: what uses it, as runs and alerts will say ("github-actions", "nightly.retrain"). */
export const TOKEN_NAME = /^[a-z0-9][a-z0-9._-]{0,39}$/;
export const TOKEN_NAME_RULE = 'A token name is 1–40 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit (e.g. github-actions).';

/** `--expires 90d` / `12w`: days or weeks from now, 1 day to 5 years; null when the text is not one. */
export function parseTokenLifetime(text: string): { ms: number } | null {
  const m = /^(\d{1,4})([dw])$/.exec(text.trim().toLowerCase());
  if (!m) return null;
  const days = Number(m[1]) * (m[2] === 'w' ? 7 : 1);
  return days >= 1 && days <= 5 * 366 ? { ms: days * 86_400_000 } : null;
}

/** How a run or an alert names the token that sent it: its name, or its id for a token without one. */
export function senderLabel(t: { name: string | null; publicId: string }): string {
  return t.name ?? `token ${t.publicId}`;
}
