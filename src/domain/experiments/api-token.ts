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

export function newToken(): { token: string; publicId: string; hash: string } {
  // 10 base-36 characters: ~51 bits, plenty to keep public ids unique without being a secret.
  const publicId = [...randomBytes(10)].map((b) => (b % 36).toString(36)).join('');
  const secret = randomBytes(32).toString('base64url');
  const token = `mlops_${publicId}_${secret}`;
  return { token, publicId, hash: hashToken(token) };
}

/** The hash to look up for a presented token, or null when it cannot be one of ours. */
export function tokenLookupHash(presented: string): string | null {
  return TOKEN.test(presented) ? hashToken(presented) : null;
}
