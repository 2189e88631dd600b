import { CronExpression, CronExpressionParser } from 'cron-parser';
import { DomainError } from '../errors.js';
import { parseScheduleSpec, parseTimezone } from './spec.js';

/*
 * Fire instants of a cron expression in an IANA time zone.
 *
 * A cron names wall-clock times; a zone maps each wall-clock time to zero, one or two instants.
 * The rules (pinned by the tests, and property-tested over every IANA zone's transitions):
 * - Skipped interval (spring forward; an hour in Berlin, 30 minutes at Australia/Lord_Howe, the
 *   midnight hour at America/Havana): a time inside it fires once, later by the length of the gap,
 *   i.e. read with the offset in force before the change — 02:30 Berlin fires at 03:30 summer
 *   time, 02:15 Lord_Howe at 02:45. It is never dropped. If that lands on another slot of the
 *   same schedule, the two are one slot.
 * - Repeated interval (fall back): a time inside it fires once, in the first pass, unless the cron
 *   fires every hour (hour field `*`, e.g. every 30 minutes or hourly): then both passes fire,
 *   as those are distinct instants and the gaps between runs stay equal.
 *
 * Why not cron-parser's own `tz` option: around transitions it is wrong in ways that depend on
 * where iteration starts (next() from inside Berlin's repeated hour returns the repeated 02:30
 * again, and from just after the spring jump skips that day's shifted slot), its prev() throws
 * "loop limit exceeded" after Lord_Howe's 30-minute changes (the scheduler then turned such
 * schedules off), it skips a Lord_Howe 02:15 slot in October, and it fires Havana's repeated
 * midnight in the second pass. So cron-parser is used only in UTC, where no wall-clock time is
 * ever skipped or repeated, to list the wall-clock times a cron matches ("naive" milliseconds: the
 * wall clock read as if it were UTC); this file maps each to instants with the zone's UTC offsets,
 * which Intl reads from the platform's time zone database.
 */

const DAY_MS = 86_400_000;

/** The first fire instant strictly after `after`. */
export function nextSlot(cron: string, tz: string, after: Date): Date {
  return slotsAfter(cron, tz, after).next().value;
}

/**
 * The most recent fire instant in (notBefore, now], or null. Used at start-up to run only the
 * latest missed slot once instead of replaying every one.
 */
export function latestSlotAtOrBefore(cron: string, tz: string, now: Date, notBefore: Date): Date | null {
  if (now <= notBefore) return null;
  let latest: Date | null = null;
  for (const slot of slotsAfter(cron, tz, walkStart(cron, tz, now, notBefore))) {
    if (slot > now) break;
    latest = slot;
  }
  return latest;
}

/**
 * What the scheduler needs for a due schedule, in one walk: the latest fire instant in
 * (notBefore, now] (null if none) and the first one after `now`. Same answers as
 * latestSlotAtOrBefore and nextSlot, at the cost of one walk instead of three.
 */
export function dueSlotAndNext(cron: string, tz: string, now: Date, notBefore: Date): { latest: Date | null; next: Date } {
  if (now <= notBefore) return { latest: null, next: nextSlot(cron, tz, now) };
  // Usually the schedule is due by one slot: walking forward from notBefore takes two steps. After
  // a long outage of a frequent schedule, jump close to `now` first.
  const walk = (start: Date, maxSteps: number) => {
    let latest: Date | null = null;
    const slots = slotsAfter(cron, tz, start);
    for (let step = 0; step < maxSteps; step++) {
      const slot = slots.next().value;
      if (slot > now) return { latest, next: slot };
      latest = slot;
    }
    return null;
  };
  const direct = walk(notBefore, SHORT_WALK);
  if (direct) return direct;
  return walk(walkStart(cron, tz, now, notBefore), Number.POSITIVE_INFINITY)!;
}

/**
 * Where to start walking forward to find the latest slot at or before `now` without walking every
 * slot since notBefore (a per-second cron after a long outage): just before the instant of the
 * last wall-clock time that surely fires at or before `now`, but never before notBefore.
 */
function walkStart(cron: string, tz: string, now: Date, notBefore: Date): Date {
  const { fields } = compiled(cron);
  const zone = zoneOf(tz);
  const { lo, hi } = nearbyOffsets(zone, now.getTime());
  // A wall-clock time w fires at w - offset, with offset in [lo, hi]: if w <= now + lo, at or before now.
  const top = now.getTime() + lo;
  try {
    const walls = new CronExpression(fields, { currentDate: new Date(top + 1), tz: 'UTC' });
    const wall = walls.prev().getTime();
    // That wall-clock time fires after wall - hi, so the latest slot at or before now does too.
    const hint = new Date(wall - hi - 1);
    return hint > notBefore ? hint : notBefore;
  } catch {
    // No earlier wall-clock time known to cron-parser: walk from notBefore.
    return notBefore;
  }
}

/** Steps tried from the due slot before jumping near `now` (each step is one cron-parser next()). */
const SHORT_WALK = 8;

/** All fire instants in (from, to], at most `limit` of them. */
export function slotsBetween(cron: string, tz: string, from: Date, to: Date, limit = 1000): Date[] {
  const slots: Date[] = [];
  if (to <= from) return slots;
  for (const slot of slotsAfter(cron, tz, from)) {
    if (slot > to || slots.length >= limit) break;
    slots.push(slot);
  }
  return slots;
}

/** The smallest gap, in seconds, between consecutive fire instants among the next `sample`. */
export function minIntervalSeconds(cron: string, tz: string, from: Date, sample = 50): number {
  let min = Infinity;
  let previous: Date | undefined;
  let seen = 0;
  for (const slot of slotsAfter(cron, tz, from)) {
    if (previous) min = Math.min(min, (slot.getTime() - previous.getTime()) / 1000);
    previous = slot;
    if (++seen >= Math.max(2, sample)) break;
  }
  return min;
}

/** Refuses schedules that fire more often than every `minSeconds` seconds. */
export function assertMinInterval(cron: string, tz: string, from: Date, minSeconds: number): void {
  const gap = minIntervalSeconds(cron, tz, from);
  if (gap < minSeconds) {
    throw new DomainError(
      'schedule_too_frequent',
      `This schedule fires every ${seconds(gap)}; the most frequent allowed is every ${seconds(minSeconds)} (MIN_SCHEDULE_INTERVAL_SECONDS).`,
    );
  }
}

function seconds(n: number): string {
  return n === 1 ? '1 second' : `${n} seconds`;
}

/**
 * Fire instants strictly after `after`, in order. Walks the cron's wall-clock times in order and
 * maps each to its instant(s). That mapping is not monotonic near a transition (a time shifted
 * out of a gap lands after earlier-read later times; a second pass comes after the first pass of
 * later times), but it is off by at most the size of the change, so instants wait in a small
 * sorted buffer until no later wall-clock time can fire before them.
 */
function* slotsAfter(cron: string, tz: string, after: Date): Generator<Date, never> {
  const spec = compiled(cron);
  const zone = zoneOf(tz);
  const afterMs = after.getTime();
  // Wall-clock times before after + lo fire at or before `after` (their offset is at least lo).
  const { lo } = nearbyOffsets(zone, afterMs);
  const walls = new CronExpression(spec.fields, { currentDate: new Date(Math.floor((afterMs + lo) / 1000) * 1000 - 1000), tz: 'UTC' });
  const pending: number[] = [];
  let last = afterMs;
  for (;;) {
    const wall = walls.next().getTime();
    const { instants, hi } = instantsOf(zone, wall, spec.everyHour);
    for (const t of instants) if (t > last && !pending.includes(t)) pending.push(t);
    pending.sort((a, b) => a - b);
    // Every later wall-clock time fires at or after wall - hi.
    const settled = wall - hi;
    while (pending.length > 0 && pending[0]! <= settled) {
      last = pending.shift()!;
      yield new Date(last);
    }
  }
}

/**
 * The instants a wall-clock time fires at (see the rules at the top), and the largest UTC offset
 * in force within a day of it. The offsets a day before and a day after are the ones the zone can
 * have around this time (zones change their clocks months apart); each reading of the wall-clock
 * time with one of them that the zone confirms is an instant with that wall-clock time.
 */
function instantsOf(zone: Zone, wall: number, bothPasses: boolean): { instants: number[]; hi: number } {
  const before = zone.offset(wall - DAY_MS);
  const after = zone.offset(wall + DAY_MS);
  if (before === after) return { instants: [wall - before], hi: before };
  const instants = [wall - before, wall - after].filter((t) => zone.offset(t) === wall - t).sort((a, b) => a - b);
  const hi = Math.max(before, after);
  // None: the time was skipped. Read with the offset before the change, it falls after the gap,
  // later by the gap's length.
  if (instants.length === 0) return { instants: [wall - before], hi };
  return { instants: bothPasses ? instants : instants.slice(0, 1), hi };
}

/** The smallest and largest UTC offset of the zone within a day of `at`. */
function nearbyOffsets(zone: Zone, at: number): { lo: number; hi: number } {
  const offsets = [zone.offset(at - DAY_MS), zone.offset(at + DAY_MS)];
  return { lo: Math.min(...offsets), hi: Math.max(...offsets) };
}

interface Compiled {
  fields: CronExpression['fields'];
  /** The hour field matches every hour: such a cron fires in both passes of a repeated interval. */
  everyHour: boolean;
}

// Parsing and validating a spec costs far more than iterating it; a scheduler pass over thousands of
// schedules shares a handful of distinct crons and zones. Only valid specs are cached (errors throw).
const compiledSpecs = new Map<string, Compiled>();
const zones = new Map<string, Zone>();
const CACHE_MAX = 10_000;

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(key, value);
  }
  return value;
}

function compiled(cron: string): Compiled {
  return cached(compiledSpecs, cron, () => {
    const { fields } = CronExpressionParser.parse(parseScheduleSpec(cron).cron, { currentDate: 0, tz: 'UTC' });
    return { fields, everyHour: fields.hour.values.length === 24 };
  });
}

interface Zone {
  /** The zone's UTC offset at instant `at`, in milliseconds (east positive). */
  offset(at: number): number;
}

function zoneOf(tz: string): Zone {
  return cached(zones, tz, () => {
    const format = new Intl.DateTimeFormat('en-US', { timeZone: parseTimezone(tz), timeZoneName: 'longOffset' });
    return {
      offset(at: number): number {
        const name = format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
        return parseOffset(name);
      },
    };
  });
}

/** "GMT", "GMT+05:30", "GMT-00:44:30" (historical mean times) as milliseconds. */
function parseOffset(name: string): number {
  const m = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name);
  if (!m) throw new Error(`unexpected UTC offset "${name}"`);
  if (m[1] === undefined) return 0;
  const ms = (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0)) * 1000;
  return m[1] === '-' ? -ms : ms;
}
