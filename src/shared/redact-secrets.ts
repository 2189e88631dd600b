/**
 * Takes credentials out of whatever is about to be logged. Two nets, because neither alone is enough:
 * - by shape, in any string: Slack tokens (`xoxb-…`, `xoxp-…`, `xapp-…`, …), the app's API tokens
 *   (`mlops_…`) and `Bearer …` credentials, whoever passed them (a library's message, an error text);
 * - by value: the configured secrets (signing, client and state secrets, the encryption key), which
 *   have no recognisable shape.
 * Object keys that name a credential (`token`, `client_secret`, `authorization`, …) lose their value
 * whatever it looks like.
 */
export const REDACTED = '[redacted]';

const TOKEN_SHAPES: [RegExp, string][] = [
  [/\b(xox[abeoprs]|xapp|xoxe\.xox[bp])-[A-Za-z0-9.-]+/g, `$1-${REDACTED}`],
  [/\bmlops_[a-z0-9]{10}_[A-Za-z0-9_-]{20,}/g, `mlops_${REDACTED}`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
];

const SECRET_KEY = /token|secret|authorization|password|passwd|api[-_]?key|cookie|credential/i;

/** Secrets shorter than this are not matched by value (they would blank out ordinary words). */
const MIN_SECRET_LENGTH = 6;
const MAX_DEPTH = 8;

export interface Redactor {
  text(s: string): string;
  value(v: unknown): unknown;
}

export function redactor(secrets: readonly (string | undefined)[] = []): Redactor {
  // Longest first, so a secret that contains another is replaced whole.
  const known = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);

  const text = (s: string): string => {
    let out = s;
    for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    for (const [shape, replacement] of TOKEN_SHAPES) out = out.replace(shape, replacement);
    return out;
  };

  const value = (v: unknown, depth = 0, seen = new WeakSet<object>()): unknown => {
    if (typeof v === 'string') return text(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth >= MAX_DEPTH) return '[too deep]';
    if (seen.has(v)) return '[circular]';
    seen.add(v);
    if (Array.isArray(v)) return v.map((x) => value(x, depth + 1, seen));
    if (Buffer.isBuffer(v)) return `[${v.length} bytes]`;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = SECRET_KEY.test(k) && x !== undefined && x !== null ? REDACTED : value(x, depth + 1, seen);
    return out;
  };

  return { text, value: (v) => value(v) };
}
