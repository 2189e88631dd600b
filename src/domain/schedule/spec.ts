import { CronExpressionParser } from 'cron-parser';
import { DomainError } from '../errors.js';

/** A schedule as stored: a 5- or 6-field cron expression plus a short text for people. */
export interface ScheduleSpec {
  cron: string;
  description: string;
}

const ACCEPTED_FORMS =
  'Use a cron expression with 5 fields (minute hour day-of-month month day-of-week) or 6 with a ' +
  'leading seconds field, or one of: "daily 09:00", "weekdays 09:30", "weekly mon 09:00", ' +
  '"monthly 1 09:00", "hourly", "every 15m", "every 30s", "every 2h".';

const FIELDS = [
  { name: 'second', allowed: '0-59' },
  { name: 'minute', allowed: '0-59' },
  { name: 'hour', allowed: '0-23' },
  { name: 'day-of-month', allowed: '1-31 or L' },
  { name: 'month', allowed: '1-12 or JAN-DEC' },
  { name: 'day-of-week', allowed: '0-7 or SUN-SAT, where 0 and 7 are Sunday' },
] as const;

const DAYS: Record<string, number> = {
  sun: 0, sunday: 0, mon: 1, monday: 1, tue: 2, tues: 2, tuesday: 2, wed: 3, wednesday: 3,
  thu: 4, thur: 4, thurs: 4, thursday: 4, fri: 5, friday: 5, sat: 6, saturday: 6,
};
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** `forms` appends the accepted forms: useful when we could not tell what was meant. */
function invalid(message: string, forms = true): DomainError {
  return new DomainError('invalid_cron', forms ? `${message} ${ACCEPTED_FORMS}` : message);
}

/** Parses what a user typed after `--every` into a cron expression and its description. */
export function parseScheduleSpec(text: string): ScheduleSpec {
  const normalized = text.trim().replace(/\s+/g, ' ');
  if (normalized === '') throw invalid('The schedule is empty.');
  const cron = looksLikeCron(normalized) ? validateCron(normalized) : parseFriendly(normalized);
  return { cron, description: describeCron(cron) };
}

function looksLikeCron(text: string): boolean {
  const cronish = /^[\d*?]/.test(text) || /^h\b/i.test(text) || text.includes('*');
  return cronish && /^[\w*?,/#()-]+( [\w*?,/#()-]+)*$/.test(text);
}

/** Returns the expression unchanged (whitespace collapsed) or throws naming the bad part. */
function validateCron(expr: string): string {
  const fields = expr.split(' ');
  const bad = (why: string) => invalid(`"${expr}" is not a valid cron expression: ${why}.`);
  if (fields.length !== 5 && fields.length !== 6) {
    throw bad(`it has ${fields.length} field${fields.length === 1 ? '' : 's'}, expected 5 or 6`);
  }
  // cron-parser picks a random value for H unless seeded; replicas would disagree on the slot.
  if (fields.some((f) => /(?<![a-z])h(?![a-z])/i.test(f))) {
    throw bad('"H" (hashed random) values are not supported');
  }
  const six = fields.length === 6 ? fields : ['0', ...fields];
  // A fixed date keeps validation off the wall clock; it does not affect what is valid.
  const options = { currentDate: 0 };
  try {
    CronExpressionParser.parse(six.join(' '), options);
    return expr;
  } catch (wholeError) {
    // cron-parser's message does not say which field is wrong: try each one on its own.
    for (const [i, field] of six.entries()) {
      const probe = ['0', '*', '*', '*', '*', '*'];
      probe[i] = field;
      try {
        CronExpressionParser.parse(probe.join(' '), options);
      } catch {
        const { name, allowed } = FIELDS[i]!;
        throw bad(`the ${name} field "${field}" is not valid (${name} takes ${allowed}, *, lists, ranges and steps)`);
      }
    }
    throw bad(`its fields never line up (${(wholeError as Error).message})`);
  }
}

function parseFriendly(text: string): string {
  const [head, second, ...more] = text.toLowerCase().split(' ');
  const at = (tokens: (string | undefined)[], days: string) => {
    const { hour, minute } = parseTime(tokens);
    return `${minute} ${hour} ${days}`;
  };
  switch (head) {
    case 'hourly':
      if (second === undefined) return '0 * * * *';
      break;
    case 'daily':
      return at([second, ...more], '* * *');
    case 'weekdays':
      return at([second, ...more], '* * 1-5');
    case 'weekly': {
      const day = parseDay(second);
      return at(more, `* * ${day}`);
    }
    case 'monthly': {
      const day = parseDayOfMonth(second);
      return at(more, `${day} * *`);
    }
    case 'every':
      if (second === 'day') return at(more, '* * *');
      if (second === 'weekday') return at(more, '* * 1-5');
      if (second !== undefined && second in DAYS) return at(more, `* * ${DAYS[second]}`);
      if (second !== undefined && /^\d/.test(second)) return parseInterval(text, [second, ...more].join(''));
      break;
  }
  throw invalid(`"${text}" is not a schedule I understand.`);
}

function parseTime(tokens: (string | undefined)[]): { hour: number; minute: number } {
  const words = tokens.filter((t): t is string => t !== undefined);
  const text = (words[0] === 'at' ? words.slice(1) : words).join('');
  const m = /^(\d{1,2})(?::(\d{2}))?(am|pm)?$/.exec(text);
  const wrong = () =>
    invalid(
      `${text === '' ? 'The time of day is missing' : `"${text}" is not a time of day`}: write it as HH:MM on a 24-hour clock (09:30, 17:00) or as 9am / 5:30pm.`,
      false,
    );
  if (!m || (m[2] === undefined && m[3] === undefined)) throw wrong();
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  if (m[3] !== undefined) {
    if (hour < 1 || hour > 12) throw wrong();
    hour = (hour % 12) + (m[3] === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) throw wrong();
  return { hour, minute };
}

function parseDay(word: string | undefined): number {
  const day = word === undefined ? undefined : DAYS[word];
  if (day === undefined) {
    throw invalid(`"${word ?? ''}" is not a day of the week: write mon, tue, wed, thu, fri, sat, sun or the full name.`, false);
  }
  return day;
}

function parseDayOfMonth(word: string | undefined): number {
  const m = /^(\d{1,2})(st|nd|rd|th)?$/.exec(word ?? '');
  const day = m ? Number(m[1]) : NaN;
  if (!(day >= 1 && day <= 31)) throw invalid(`"${word ?? ''}" is not a day of the month (1-28).`, false);
  // A monthly check-in that silently skips February would surprise people, so say so up front.
  if (day > 28) {
    throw invalid(`Not every month has a day ${day}, so "monthly ${day}" would skip months: pick 1-28, or use the cron expression "0 9 L * *" for the last day of each month.`, false);
  }
  return day;
}

const UNITS = [
  { pattern: /^(s|secs?|seconds?)$/, unit: 'second', per: 60, whole: 'a minute' },
  { pattern: /^(m|mins?|minutes?)$/, unit: 'minute', per: 60, whole: 'an hour' },
  { pattern: /^(h|hrs?|hours?)$/, unit: 'hour', per: 24, whole: 'a day' },
] as const;

function parseInterval(text: string, compact: string): string {
  const m = /^(\d+)([a-z]+)$/.exec(compact);
  const unit = m ? UNITS.find((u) => u.pattern.test(m[2]!)) : undefined;
  if (!m || !unit) throw invalid(`"${text}" is not a schedule I understand.`);
  const n = Number(m[1]);
  // */n restarts at the top of each minute/hour/day, so only divisors keep every gap equal.
  const divisors = Array.from({ length: unit.per - 1 }, (_, i) => i + 1).filter((d) => unit.per % d === 0);
  if (!divisors.includes(n)) {
    throw invalid(
      `"${text}" is not supported: the step must be shorter than ${unit.whole} and divide it evenly, so that every gap is equal. ` +
        `Use every ${divisors.join(', ')} ${unit.unit}s${unit.unit === 'hour' ? ', or "daily 09:00"' : ', or a larger unit'}.`,
      false,
    );
  }
  const step = n === 1 ? '*' : `*/${n}`;
  if (unit.unit === 'second') return `${step} * * * * *`;
  if (unit.unit === 'minute') return `${step} * * * *`;
  return `0 ${step} * * *`;
}

/** A short English description for the common shapes; anything else is quoted as cron. */
function describeCron(cron: string): string {
  const fields = cron.split(' ');
  const [sec, min, hour, dom, mon, dow] = (fields.length === 6 ? fields : ['0', ...fields]) as [
    string, string, string, string, string, string,
  ];
  const every = (field: string) => (field === '*' ? 1 : Number(/^\*\/(\d+)$/.exec(field)?.[1] ?? NaN));
  const num = (field: string) => (/^\d+$/.test(field) ? Number(field) : NaN);
  const plural = (n: number, unit: string) => (n === 1 ? `every ${unit}` : `every ${n} ${unit}s`);
  const restIsAny = (fs: string[]) => fs.every((f) => f === '*' || f === '?');

  if (restIsAny([min, hour, dom, mon, dow]) && every(sec) > 0) return plural(every(sec), 'second');
  if (sec === '0' && restIsAny([hour, dom, mon, dow]) && every(min) > 0) return plural(every(min), 'minute');
  if (sec === '0' && min === '0' && restIsAny([dom, mon, dow]) && every(hour) > 0) return plural(every(hour), 'hour');

  const h = num(hour);
  const m = num(min);
  if (sec === '0' && h <= 23 && m <= 59 && restIsAny([mon])) {
    const at = `at ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
    const day = DAYS[dow.toLowerCase()] ?? num(dow);
    if (restIsAny([dom, dow])) return `every day ${at}`;
    if (restIsAny([dom]) && dow === '1-5') return `every weekday (Monday to Friday) ${at}`;
    if (restIsAny([dom]) && day >= 0 && day <= 7) return `every ${DAY_NAMES[day % 7]} ${at}`;
    if (restIsAny([dow]) && num(dom) >= 1) return `on day ${num(dom)} of every month ${at}`;
  }
  return `on the cron schedule "${cron}"`;
}

/**
 * Validates an IANA time zone and returns its canonical spelling (e.g. "europe/berlin" ->
 * "Europe/Berlin"). Abbreviations such as "EST" are refused: ICU maps them to surprising zones.
 */
export function parseTimezone(tz: string): string {
  const name = tz.trim();
  const unknown = () =>
    new DomainError('invalid_timezone', `Unknown time zone "${tz}". Use an IANA name such as Europe/Berlin.`);
  if (name.toUpperCase() === 'UTC') return 'UTC';
  if (!name.includes('/')) throw unknown();
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw unknown();
  }
  if (resolved !== 'UTC' && !supportedZones().has(resolved)) throw unknown();
  return resolved;
}

let zones: Set<string> | undefined;
function supportedZones(): Set<string> {
  zones ??= new Set(Intl.supportedValuesOf('timeZone'));
  return zones;
}
