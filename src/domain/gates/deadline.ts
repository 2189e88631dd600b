import { DomainError } from '../errors.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

/** The farthest a gate deadline may be; longer votes go stale before they close. */
export const MAX_DEADLINE_DAYS = 90;

/**
 * A date without a time means 17:00 UTC that day: the end of a working day, and a fixed
 * instant, because the domain does not know the voter's time zone.
 */
export const DATE_ONLY_HOUR_UTC = 17;

const ACCEPTED_FORMS =
  'Use a duration such as 48h, 2d, 90m, 1w or 1d12h, a date such as 2026-12-01 (17:00 UTC), ' +
  'or a date-time with a time zone such as 2026-12-01T17:00Z or 2026-12-01T17:00:00+01:00.';

// Units in fixed order, each at most once: "1w2d", "1d12h", "1h30m".
const DURATION = /^(?:(\d+)w)?\s*(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?$/i;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

function invalid(text: string, hint = ''): DomainError {
  const what = text === '' ? 'No deadline was given.' : `"${text}" is not a deadline I understand.`;
  return new DomainError('invalid_deadline', `${what}${hint} ${ACCEPTED_FORMS}`);
}

function parseDuration(text: string): number | null {
  const m = DURATION.exec(text);
  if (!m || !(m[1] || m[2] || m[3] || m[4])) return null;
  const n = (s: string | undefined) => (s ? Number(s) : 0);
  return n(m[1]) * WEEK_MS + n(m[2]) * DAY_MS + n(m[3]) * HOUR_MS + n(m[4]) * MINUTE_MS;
}

/** Date.UTC rolls 2026-02-30 over into March; a round trip catches such impossible dates. */
function utcInstant(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number | null {
  if (h > 23 || mi > 59 || s > 59) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t;
}

function offsetMs(zone: string): number | null {
  if (zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const h = Number(digits.slice(0, 2));
  const m = Number(digits.slice(2, 4));
  if (h > 23 || m > 59) return null;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (h * HOUR_MS + m * MINUTE_MS);
}

function parseAbsolute(text: string): number | null {
  const d = DATE_ONLY.exec(text);
  if (d) return utcInstant(Number(d[1]), Number(d[2]), Number(d[3]), DATE_ONLY_HOUR_UTC, 0, 0, 0);
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  if (!m[8]) throw invalid(text, ' It has no time zone; add Z or an offset such as +01:00.');
  const local = utcInstant(
    Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]),
    Number(m[6] ?? 0), Number((m[7] ?? '0').padEnd(3, '0')),
  );
  const offset = offsetMs(m[8]);
  if (local === null || offset === null) return null;
  return local - offset;
}

/** Parses a gate deadline typed by a person, relative to `now`. */
export function parseDeadline(text: string, now: Date): Date {
  const t = text.trim();
  if (t === '') throw invalid(t);
  const duration = parseDuration(t);
  const at = duration !== null ? now.getTime() + duration : parseAbsolute(t);
  if (at === null) throw invalid(t);
  if (at <= now.getTime()) {
    throw new DomainError('deadline_in_past', `The deadline ${t} is not in the future.`);
  }
  if (at - now.getTime() > MAX_DEADLINE_DAYS * DAY_MS) {
    throw new DomainError(
      'deadline_too_far',
      `The deadline ${t} is more than ${MAX_DEADLINE_DAYS} days away; choose a closer one.`,
    );
  }
  return new Date(at);
}

/**
 * A time span for people: the two largest units, e.g. "2d 3h", "5h 20m", "45m". Rounded to
 * the minute first so a 48h deadline read a few seconds later still shows "2d".
 */
export function formatDuration(ms: number): string {
  const minutes = Math.round(Math.max(0, ms) / MINUTE_MS);
  if (minutes === 0) return 'less than a minute';
  const parts: [number, string][] = [
    [Math.floor(minutes / 1440), 'd'],
    [Math.floor((minutes % 1440) / 60), 'h'],
    [minutes % 60, 'm'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n}${u}`)
    .join(' ');
}
