import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dueSlotAndNext, nextSlot, slotsBetween } from '../../../src/domain/schedule/slots.js';

/*
 * The slot arithmetic against every IANA zone's clock changes in 2026 and 2027. Zones whose offsets
 * and changes are identical over those years (Europe/Amsterdam and 32 others) behave identically,
 * so each such group is checked once, named by its first zone. Expected slots come from a model
 * of the rules in src/domain/schedule/slots.ts written from one change at a time (the instant and
 * the offsets on either side), not from the zone database at run time:
 * - a wall-clock time that exists once fires then;
 * - one in a skipped interval fires once, after the gap, later by the gap's length;
 * - one in a repeated interval fires once, in the first pass; a cron that fires every hour fires
 *   in both passes.
 */

const FROM = Date.parse('2026-01-01T00:00:00Z');
const TO = Date.parse('2028-01-01T00:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Change {
  /** The first instant with the new offset. */
  at: number;
  before: number;
  after: number;
  /** How far either side of `at` no other change happens (the model holds there). */
  reach: number;
}

function offsetReader(zone: string): (t: number) => number {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  return (t) => {
    const name = format.formatToParts(t).find((p) => p.type === 'timeZoneName')!.value;
    const m = /^GMT(?:([+-])(\d\d):(\d\d))?$/.exec(name)!;
    return m[1] ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * HOUR + Number(m[3]) * MINUTE) : 0;
  };
}

/** The zone's changes in [FROM, TO): samples two weeks apart, then a binary search to the second. */
function changesOf(zone: string): Change[] {
  const offset = offsetReader(zone);
  const found: Omit<Change, 'reach'>[] = [];
  for (let a = FROM, oa = offset(a); a < TO; ) {
    const b = a + 14 * DAY;
    const ob = offset(b);
    if (ob !== oa) {
      let lo = a;
      let hi = b;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (offset(mid) === oa) lo = mid;
        else hi = mid;
      }
      found.push({ at: hi, before: oa, after: ob });
    }
    a = b;
    oa = ob;
  }
  return found.map((c, i) => {
    const prev = found[i - 1]?.at ?? c.at - 30 * DAY;
    const next = found[i + 1]?.at ?? c.at + 30 * DAY;
    return { ...c, reach: Math.min(c.at - prev, next - c.at) };
  });
}

const groups = new Map<string, { zones: string[]; changes: Change[] }>();
for (const zone of Intl.supportedValuesOf('timeZone')) {
  const changes = changesOf(zone);
  const key = JSON.stringify([offsetReader(zone)(FROM), changes]);
  const group = groups.get(key);
  if (group) group.zones.push(zone);
  else groups.set(key, { zones: [zone], changes });
}
const changing = [...groups.values()].filter((g) => g.changes.length > 0);

/** A cron and the wall-clock times (naive ms: the wall clock read as UTC) it names on a day. */
interface CronCase {
  cron: string;
  walls(day: number): number[];
  everyHour: boolean;
}
const daily = (h: number, m: number): CronCase => ({ cron: `${m} ${h} * * *`, walls: (day) => [day + h * HOUR + m * MINUTE], everyHour: false });
const weekly = (h: number, m: number, dow: number): CronCase => ({
  cron: `${m} ${h} * * ${dow}`,
  walls: (day) => (new Date(day).getUTCDay() === dow ? [day + h * HOUR + m * MINUTE] : []),
  everyHour: false,
});
const everyMinutes = (step: number): CronCase => ({
  cron: step === 60 ? '0 * * * *' : `*/${step} * * * *`,
  walls: (day) => Array.from({ length: DAY / (step * MINUTE) }, (_, i) => day + i * step * MINUTE),
  everyHour: true,
});

/** The model: the instants a wall-clock time fires at, near one change. */
function modelInstants(c: Change, wall: number, everyHour: boolean): number[] {
  const early = wall - c.before;
  const late = wall - c.after;
  const valid = [...(early < c.at ? [early] : []), ...(late >= c.at ? [late] : [])].sort((a, b) => a - b);
  if (valid.length === 0) return [early]; // skipped: after the gap, later by its length
  return everyHour ? valid : valid.slice(0, 1);
}

function modelSlots(c: Change, k: CronCase, from: number, to: number): number[] {
  const slots = new Set<number>();
  const firstDay = Math.floor((from + Math.min(c.before, c.after)) / DAY) * DAY - DAY;
  for (let day = firstDay; day <= to + Math.max(c.before, c.after) + DAY; day += DAY) {
    for (const wall of k.walls(day)) for (const t of modelInstants(c, wall, k.everyHour)) if (t > from && t <= to) slots.add(t);
  }
  return [...slots].sort((a, b) => a - b);
}

const hhmm = (naive: number) => {
  const minutes = Math.floor((((naive % DAY) + DAY) % DAY) / MINUTE);
  return [Math.floor(minutes / 60), minutes % 60] as const;
};

/**
 * Daily times in and around the shifted interval (of 00:00, 00:30, 01:00, 02:00, 02:30 and 09:00,
 * those within three hours of it, and its start, middle, last minute and end), a weekly one inside
 * it on the day of the change, and crons that fire every 30 minutes and every hour.
 */
function casesFor(c: Change): CronCase[] {
  const oldClock = c.at + c.before; // where the wall clock jumps from
  const newClock = c.at + c.after; // and to
  const [start, end] = [Math.min(oldClock, newClock), Math.max(oldClock, newClock)];
  const inside = [start, start + Math.floor((end - start) / 2 / MINUTE) * MINUTE, end - MINUTE, end];
  const day = Math.floor(start / DAY) * DAY;
  const usual = [0, 30, 60, 120, 150, 540].map((m) => day + m * MINUTE).filter((w) => w > start - 3 * HOUR && w < end + 3 * HOUR);
  const times = [...new Map([...usual, ...inside].map((w) => [hhmm(w).join(':'), hhmm(w)])).values()];
  const [mh, mm] = hhmm(inside[1]!);
  return [...times.map(([h, m]) => daily(h, m)), weekly(mh, mm, new Date(start).getUTCDay()), everyMinutes(30), everyMinutes(60)];
}

const iso = (t: number) => new Date(t).toISOString();
const isos = (ts: number[]) => ts.map(iso);

/** The window around a change where the model holds, clear of the neighbouring changes. */
function windowOf(c: Change, halfWidth = 30 * HOUR): { from: number; to: number } {
  const half = Math.min(halfWidth, c.reach / 2 - 4 * HOUR);
  return { from: c.at - half, to: c.at + half };
}

/**
 * All slots in a window of a day and more either side of the change; the next slot asked at the
 * change and just before each slot near it; the due slot asked at each of those slots, due since
 * the slot before (a cron that fires every hour: within two hours of the change, to keep it fast).
 */
function checkAround(zone: string, c: Change, k: CronCase): void {
  const { from, to } = windowOf(c, k.everyHour ? 6 * HOUR : 30 * HOUR);
  const expected = modelSlots(c, k, from, to);
  expect(isos(slotsBetween(k.cron, zone, new Date(from), new Date(to), 10_000).map((x) => x.getTime())), `${k.cron} in ${zone} around ${iso(c.at)}`).toEqual(isos(expected));
  const near = expected.filter((t) => Math.abs(t - c.at) <= (k.everyHour ? 2 : 6) * HOUR);
  for (const now of [c.at - 1, c.at, ...near.map((t) => t - 1)]) checkNext(zone, k.cron, expected, from, to, now);
  for (const slot of near) checkDue(zone, k.cron, expected, from, to, slot, (expected[expected.indexOf(slot) - 1] ?? from) - 1);
}

function checkNext(zone: string, cron: string, expected: number[], from: number, to: number, now: number): void {
  const next = expected.find((t) => t > now);
  if (next === undefined || now < from) return;
  const got = nextSlot(cron, zone, new Date(now));
  expect(got.getTime(), `${cron} in ${zone} at ${iso(now)}: the next slot is strictly after now`).toBeGreaterThan(now);
  expect(iso(got.getTime()), `${cron} in ${zone} at ${iso(now)}`).toBe(iso(next));
}

function checkDue(zone: string, cron: string, expected: number[], from: number, to: number, now: number, notBefore: number): void {
  const next = expected.find((t) => t > now);
  if (next === undefined || now < from || now > to || notBefore < from - 1) return;
  const latest = expected.filter((t) => t > notBefore && t <= now).at(-1);
  const due = dueSlotAndNext(cron, zone, new Date(now), new Date(notBefore));
  expect({ latest: due.latest?.toISOString() ?? null, next: due.next.toISOString() }, `${cron} in ${zone} at ${iso(now)}, due since ${iso(notBefore)}`).toEqual({
    latest: latest === undefined ? null : iso(latest),
    next: iso(next),
  });
}

describe('slots around every IANA zone change in 2026 and 2027', () => {
  it('finds the zones that change, among them the unusual ones', () => {
    const names = changing.flatMap((g) => g.zones);
    expect(names).toEqual(expect.arrayContaining(['Australia/Lord_Howe', 'America/Havana', 'Pacific/Chatham', 'Antarctica/Troll', 'Europe/Berlin']));
    expect(Intl.supportedValuesOf('timeZone').length).toBeGreaterThan(300);
  });

  it.each(changing.map((g) => [`${g.zones[0]!}${g.zones.length > 1 ? ` (+${g.zones.length - 1} alike)` : ''}`, g] as const))(
    '%s: no slot skipped or doubled, the next one always strictly after now',
    (_name, g) => {
      const zone = g.zones[0]!;
      for (const change of g.changes) for (const k of casesFor(change)) checkAround(zone, change, k);
    },
  );

  it('holds for random wall-clock times and random instants near random changes', () => {
    const all = changing.flatMap((g) => g.changes.map((c) => ({ zone: g.zones[0]!, c })));
    fc.assert(
      fc.property(
        fc.constantFrom(...all),
        fc.integer({ min: 0, max: 24 * 60 - 1 }),
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        ({ zone, c }, minuteOfDay, weeklyCron, nowAt, dueFor) => {
          const k = weeklyCron ? weekly(Math.floor(minuteOfDay / 60), minuteOfDay % 60, new Date(c.at + c.after).getUTCDay()) : daily(Math.floor(minuteOfDay / 60), minuteOfDay % 60);
          const { from, to } = windowOf(c);
          const expected = modelSlots(c, k, from, to);
          const now = Math.round(from + (to - from) * nowAt);
          checkNext(zone, k.cron, expected, from, to, now);
          checkDue(zone, k.cron, expected, from, to, now, Math.round(from + (now - from) * dueFor));
        },
      ),
      { numRuns: 200 },
    );
  });
});
