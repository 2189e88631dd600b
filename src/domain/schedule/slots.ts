import { CronExpressionParser } from 'cron-parser';
import { DomainError } from '../errors.js';
import { parseScheduleSpec, parseTimezone } from './spec.js';

/*
 * Fire instants of a cron expression in an IANA time zone, as cron-parser computes them.
 *
 * Daylight-saving behaviour (pinned by the tests with Europe/Berlin and America/New_York):
 * - Skipped hour (spring forward): a job set inside the gap, e.g. 02:30, fires one hour later
 *   that day (03:30 summer time); it is not dropped.
 * - Repeated hour (fall back): a job whose hour field names the repeated hour, e.g. 02:30,
 *   fires once, in the first (summer-time) pass. A job whose hour field is `*` (every 30
 *   minutes, hourly) fires in both passes: those are distinct instants and the gaps stay equal.
 *
 * cron-parser only gets this right when it starts iterating from before the change: started
 * inside the hour after it, next() returns the repeated 02:30 again in autumn and skips the
 * shifted 03:30 in spring, and prev() disagrees with next() there. So every function here
 * walks forward with next() from an anchor outside that hour (see `slotsAfter`), which makes
 * the answer independent of where the caller happens to start, e.g. after a restart.
 */

// Longer than any DST shift (2 h at Antarctica/Troll), so an anchor this far back precedes it.
const DST_GUARD_MS = 3 * 60 * 60 * 1000;

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
 * latestSlotAtOrBefore and nextSlot, at the cost of one cron iteration instead of three.
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
 * Where to start walking forward to find the latest slot at or before `now`: a few prev() steps
 * back from `now` (so per-second crons after a long outage do not walk from notBefore; three steps
 * cover the one spurious repeated-hour slot prev() gives), but never before notBefore.
 */
function walkStart(cron: string, tz: string, now: Date, notBefore: Date): Date {
  try {
    const back = open(cron, tz, now);
    const hint = [back.prev(), back.prev(), back.prev()][2]!.toDate();
    return hint > notBefore ? hint : notBefore;
  } catch {
    // No earlier slots known to cron-parser: walk from notBefore.
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

/** Fire instants strictly after `after`, in order, computed from a DST-safe anchor. */
function* slotsAfter(cron: string, tz: string, after: Date): Generator<Date, never> {
  const zone = cached(parsedZones, tz, () => parseTimezone(tz));
  const guarded = new Date(after.getTime() - DST_GUARD_MS);
  const anchor = utcOffset(zone, guarded) === utcOffset(zone, after) ? after : guarded;
  const it = open(cron, zone, anchor);
  for (;;) {
    const slot = it.next().toDate();
    if (slot > after) yield slot;
  }
}

// Parsing and validating a spec costs far more than iterating it; a scheduler pass over thousands of
// schedules shares a handful of distinct crons and zones. Only valid specs are cached (errors throw).
const parsedSpecs = new Map<string, string>();
const parsedZones = new Map<string, string>();
const CACHE_MAX = 10_000;

function cached(cache: Map<string, string>, key: string, parse: () => string): string {
  let value = cache.get(key);
  if (value === undefined) {
    value = parse();
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(key, value);
  }
  return value;
}

function open(cron: string, tz: string, currentDate: Date) {
  const expr = cached(parsedSpecs, cron, () => parseScheduleSpec(cron).cron);
  return CronExpressionParser.parse(expr, { currentDate, tz: cached(parsedZones, tz, () => parseTimezone(tz)) });
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at `at`, e.g. "GMT+02:00"; only compared for equality. */
function utcOffset(zone: string, at: Date): string {
  let format = offsetFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetFormats.set(zone, format);
  }
  return format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
}
