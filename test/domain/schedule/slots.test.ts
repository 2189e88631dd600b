import { describe, it, expect } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { parseScheduleSpec } from '../../../src/domain/schedule/spec.js';
import {
  assertMinInterval,
  dueSlotAndNext,
  latestSlotAtOrBefore,
  minIntervalSeconds,
  nextSlot,
  slotsBetween,
} from '../../../src/domain/schedule/slots.js';

const d = (iso: string) => new Date(iso);
const isos = (dates: Date[]) => dates.map((x) => x.toISOString());

describe('nextSlot', () => {
  it('returns the first fire instant strictly after the given one', () => {
    expect(nextSlot('0 9 * * *', 'UTC', d('2026-03-02T08:59:59.999Z')).toISOString()).toBe('2026-03-02T09:00:00.000Z');
    expect(nextSlot('0 9 * * *', 'UTC', d('2026-03-02T09:00:00.000Z')).toISOString()).toBe('2026-03-03T09:00:00.000Z');
  });

  it('reads the cron in the given time zone', () => {
    expect(nextSlot('0 9 * * 1', 'Europe/Berlin', d('2026-01-01T00:00:00Z')).toISOString()).toBe('2026-01-05T08:00:00.000Z');
    expect(nextSlot('0 9 * * 1', 'America/New_York', d('2026-01-01T00:00:00Z')).toISOString()).toBe('2026-01-05T14:00:00.000Z');
  });

  it('refuses an invalid cron or time zone with the same errors as the parsers', () => {
    expect(() => nextSlot('61 * * * *', 'UTC', d('2026-01-01T00:00:00Z'))).toThrow(DomainError);
    expect(() => nextSlot('0 9 * * *', 'Mars/Base', d('2026-01-01T00:00:00Z'))).toThrow(
      'Unknown time zone "Mars/Base". Use an IANA name such as Europe/Berlin.',
    );
  });
});

// Europe/Berlin: CET = UTC+1, CEST = UTC+2. 2026-03-29 02:00 CET -> 03:00 CEST (01:00Z);
// 2026-10-25 03:00 CEST -> 02:00 CET (01:00Z), so 02:00-02:59 local happens twice.
describe('daylight saving in Europe/Berlin', () => {
  it('daily 09:00 stays at 09:00 local: 08:00Z in winter, 07:00Z in summer', () => {
    expect(isos(slotsBetween('0 9 * * *', 'Europe/Berlin', d('2026-03-27T00:00:00Z'), d('2026-03-31T00:00:00Z')))).toEqual([
      '2026-03-27T08:00:00.000Z',
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
    expect(isos(slotsBetween('0 9 * * *', 'Europe/Berlin', d('2026-10-23T00:00:00Z'), d('2026-10-27T00:00:00Z')))).toEqual([
      '2026-10-23T07:00:00.000Z',
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
  });

  it('a 02:30 job on the spring-forward day fires once, shifted to 03:30 CEST (01:30Z), not dropped', () => {
    expect(isos(slotsBetween('30 2 * * *', 'Europe/Berlin', d('2026-03-27T00:00:00Z'), d('2026-03-31T00:00:00Z')))).toEqual([
      '2026-03-27T01:30:00.000Z',
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:30:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  it('the shifted 03:30 slot is found even when asked from 03:10 CEST, just after the jump', () => {
    // Bare cron-parser started at 01:10Z skips to 2026-03-30 and the day's run would be lost.
    expect(nextSlot('30 2 * * *', 'Europe/Berlin', d('2026-03-29T01:10:00Z')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('a 02:30 job on the fall-back day fires only in the first pass (02:30 CEST = 00:30Z), never twice', () => {
    expect(isos(slotsBetween('30 2 * * *', 'Europe/Berlin', d('2026-10-24T00:00:00Z'), d('2026-10-27T00:00:00Z')))).toEqual([
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
  });

  it('a 02:30 job does not fire again when asked from inside the repeated hour (02:10 CET), e.g. after a restart', () => {
    // Bare cron-parser started at 01:10Z returns the repeated 02:30 CET (01:30Z): a second run.
    const after = d('2026-10-25T01:10:00Z');
    expect(nextSlot('30 2 * * *', 'Europe/Berlin', after).toISOString()).toBe('2026-10-26T01:30:00.000Z');
    expect(slotsBetween('30 2 * * *', 'Europe/Berlin', after, d('2026-10-25T23:00:00Z'))).toEqual([]);
  });

  it('latestSlotAtOrBefore agrees with nextSlot on the fall-back day (cron-parser prev() would report 01:30Z)', () => {
    const latest = latestSlotAtOrBefore('30 2 * * *', 'Europe/Berlin', d('2026-10-25T12:00:00Z'), d('2026-10-24T12:00:00Z'));
    expect(latest?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('an every-30-minutes job fires in both passes of the repeated hour, keeping 30-minute gaps', () => {
    const slots = slotsBetween('*/30 * * * *', 'Europe/Berlin', d('2026-10-24T23:45:00Z'), d('2026-10-25T02:00:00Z'));
    expect(isos(slots)).toEqual([
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T01:00:00.000Z', // 02:00 CET
      '2026-10-25T01:30:00.000Z', // 02:30 CET
      '2026-10-25T02:00:00.000Z', // 03:00 CET
    ]);
    expect(minIntervalSeconds('*/30 * * * *', 'Europe/Berlin', d('2026-10-24T23:45:00Z'))).toBe(1800);
  });
});

describe('daylight saving in America/New_York', () => {
  it('daily 09:00 moves from 14:00Z (EST) to 13:00Z (EDT) on 2026-03-08, and a 01:30 job fires once on 2026-11-01', () => {
    expect(isos(slotsBetween('0 9 * * *', 'America/New_York', d('2026-03-07T00:00:00Z'), d('2026-03-09T00:00:00Z')))).toEqual([
      '2026-03-07T14:00:00.000Z',
      '2026-03-08T13:00:00.000Z',
    ]);
    // 01:00-01:59 happens twice (EDT, then EST from 06:00Z); only the first 01:30 fires.
    expect(isos(slotsBetween('30 1 * * *', 'America/New_York', d('2026-10-31T12:00:00Z'), d('2026-11-02T12:00:00Z')))).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
    expect(nextSlot('30 1 * * *', 'America/New_York', d('2026-11-01T06:10:00Z')).toISOString()).toBe('2026-11-02T06:30:00.000Z');
  });
});

// Zones whose changes are not an hour at 02:00 (all checked over every zone in dst-zones.test.ts).
describe('daylight saving in zones with unusual changes', () => {
  // Australia/Lord_Howe: +10:30 in winter, +11:00 in summer. 2026-10-04 02:00 -> 02:30 (15:30Z);
  // 2026-04-05 02:00 -> 01:30 (15:00Z), so 01:30-01:59 local happens twice.
  it('Lord_Howe: a 02:15 job on the day the clock skips 02:00-02:29 fires at 02:45, after the 30-minute gap, not skipped', () => {
    expect(isos(slotsBetween('15 2 * * *', 'Australia/Lord_Howe', d('2026-10-02T12:00:00Z'), d('2026-10-05T12:00:00Z')))).toEqual([
      '2026-10-02T15:45:00.000Z', // 02:15 +10:30
      '2026-10-03T15:45:00.000Z', // 02:45 +11:00
      '2026-10-04T15:15:00.000Z', // 02:15 +11:00
    ]);
  });

  it('Lord_Howe: slots after the April change are found, not a "loop limit exceeded" error', () => {
    const now = d('2026-04-04T18:00:00Z'); // 04:30 +10:30, three hours after the change
    expect(nextSlot('0 9 * * *', 'Australia/Lord_Howe', now).toISOString()).toBe('2026-04-04T22:30:00.000Z');
    expect(dueSlotAndNext('0 * * * *', 'Australia/Lord_Howe', now, d('2026-04-04T16:59:59.999Z'))).toEqual({
      latest: d('2026-04-04T17:30:00Z'),
      next: d('2026-04-04T18:30:00Z'),
    });
    // 01:45 happens twice; a daily job fires in the first pass only, a half-hourly one in both.
    expect(isos(slotsBetween('45 1 * * *', 'Australia/Lord_Howe', d('2026-04-04T12:00:00Z'), d('2026-04-05T12:00:00Z')))).toEqual(['2026-04-04T14:45:00.000Z']);
    expect(isos(slotsBetween('*/30 * * * *', 'Australia/Lord_Howe', d('2026-04-04T13:45:00Z'), d('2026-04-04T15:30:00Z')))).toEqual([
      '2026-04-04T14:00:00.000Z', // 01:00 +11:00
      '2026-04-04T14:30:00.000Z', // 01:30 +11:00
      '2026-04-04T15:00:00.000Z', // 01:30 +10:30
      '2026-04-04T15:30:00.000Z', // 02:00 +10:30
    ]);
  });

  // America/Havana: -05:00 / -04:00, changing at midnight: 2026-03-08 00:00 -> 01:00 (05:00Z),
  // 2026-11-01 01:00 -> 00:00 (05:00Z), so the midnight hour happens twice.
  it('Havana: a midnight job fires at 01:00 on the day midnight is skipped, and once, in the first pass, when it repeats', () => {
    expect(isos(slotsBetween('0 0 * * *', 'America/Havana', d('2026-03-07T00:00:00Z'), d('2026-03-09T12:00:00Z')))).toEqual([
      '2026-03-07T05:00:00.000Z',
      '2026-03-08T05:00:00.000Z', // 01:00 -04:00
      '2026-03-09T04:00:00.000Z',
    ]);
    expect(isos(slotsBetween('30 0 * * *', 'America/Havana', d('2026-10-31T00:00:00Z'), d('2026-11-02T12:00:00Z')))).toEqual([
      '2026-10-31T04:30:00.000Z',
      '2026-11-01T04:30:00.000Z', // 00:30 -04:00, the first pass; not 05:30Z
      '2026-11-02T05:30:00.000Z',
    ]);
  });

  // Pacific/Chatham: +12:45 / +13:45, changing at 02:45 / 03:45 local: 2026-09-27 02:45 -> 03:45
  // (2026-09-26T14:00Z); 2026-04-05 03:45 -> 02:45 (2026-04-04T14:00Z).
  it('Chatham: a 03:00 job fires at 04:00 on the day 02:45-03:44 is skipped; a 02:45 job fires once on the day it repeats', () => {
    expect(isos(slotsBetween('0 3 * * *', 'Pacific/Chatham', d('2026-09-25T12:00:00Z'), d('2026-09-27T14:00:00Z')))).toEqual([
      '2026-09-25T14:15:00.000Z',
      '2026-09-26T14:15:00.000Z', // 04:00 +13:45
      '2026-09-27T13:15:00.000Z',
    ]);
    // Asked a moment before the change, the repeated 02:45 (14:00Z) is not a second run that day.
    expect(nextSlot('45 2 * * *', 'Pacific/Chatham', d('2026-04-04T13:59:59.999Z')).toISOString()).toBe('2026-04-05T14:00:00.000Z');
  });
});

describe('seconds field', () => {
  it('*/5 * * * * * fires every 5 seconds', () => {
    const from = d('2026-03-02T09:00:02Z');
    expect(isos(slotsBetween('*/5 * * * * *', 'UTC', from, d('2026-03-02T09:00:20Z')))).toEqual([
      '2026-03-02T09:00:05.000Z',
      '2026-03-02T09:00:10.000Z',
      '2026-03-02T09:00:15.000Z',
      '2026-03-02T09:00:20.000Z',
    ]);
    expect(minIntervalSeconds('*/5 * * * * *', 'UTC', from)).toBe(5);
  });
});

describe('slotsBetween', () => {
  it('excludes `from`, includes `to`, and stops at `limit`', () => {
    const from = d('2026-03-02T09:00:00Z');
    expect(isos(slotsBetween('0 * * * *', 'UTC', from, d('2026-03-02T11:00:00Z')))).toEqual([
      '2026-03-02T10:00:00.000Z',
      '2026-03-02T11:00:00.000Z',
    ]);
    expect(slotsBetween('* * * * * *', 'UTC', from, d('2026-03-03T09:00:00Z'), 3)).toHaveLength(3);
    expect(slotsBetween('0 * * * *', 'UTC', from, from)).toEqual([]);
  });
});

describe('latestSlotAtOrBefore', () => {
  it('returns only the latest of several missed slots', () => {
    const latest = latestSlotAtOrBefore('0 * * * *', 'UTC', d('2026-03-02T10:15:00Z'), d('2026-03-02T06:30:00Z'));
    expect(latest?.toISOString()).toBe('2026-03-02T10:00:00.000Z');
  });

  it.each([
    ['no slot in the window', '2026-03-02T10:59:00Z', '2026-03-02T10:01:00Z'],
    ['the only slot equals notBefore (already run)', '2026-03-02T10:30:00Z', '2026-03-02T10:00:00Z'],
    ['now is not after notBefore', '2026-03-02T10:00:00Z', '2026-03-02T12:00:00Z'],
  ])('returns null when %s', (_case, now, notBefore) => {
    expect(latestSlotAtOrBefore('0 * * * *', 'UTC', d(now), d(notBefore))).toBeNull();
  });

  it('includes a slot exactly at now', () => {
    const latest = latestSlotAtOrBefore('0 9 * * 1', 'Europe/Berlin', d('2026-03-09T08:00:00Z'), d('2026-02-01T00:00:00Z'));
    expect(latest?.toISOString()).toBe('2026-03-09T08:00:00.000Z');
  });

  it('does not walk every missed second after a long outage', () => {
    const latest = latestSlotAtOrBefore('* * * * * *', 'UTC', d('2026-03-09T08:00:00.500Z'), d('2025-03-09T00:00:00Z'));
    expect(latest?.toISOString()).toBe('2026-03-09T08:00:00.000Z');
  });
});

describe('minimum interval', () => {
  it.each([
    ['0 9 * * *', 'UTC', 86_400],
    // The 50 daily slots from 2 March include the 23-hour day of 29 March.
    ['0 9 * * *', 'Europe/Berlin', 82_800],
    ['0 9 * * 1-5', 'Europe/Berlin', 86_400],
    ['0,1 9 * * *', 'Europe/Berlin', 60],
    ['*/15 * * * *', 'Europe/Berlin', 900],
  ])('%j in %s fires at most every %i seconds', (cron, tz, gap) => {
    expect(minIntervalSeconds(cron, tz, d('2026-03-02T00:00:00Z'))).toBe(gap);
  });

  it('refuses "every 30s" when the minimum is 60 seconds, and allows it when the minimum is 1', () => {
    const { cron } = parseScheduleSpec('every 30s');
    const from = d('2026-03-02T00:00:00Z');
    let err: unknown;
    try {
      assertMinInterval(cron, 'UTC', from, 60);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('schedule_too_frequent');
    expect((err as DomainError).message).toBe(
      'This schedule fires every 30 seconds; the most frequent allowed is every 60 seconds (MIN_SCHEDULE_INTERVAL_SECONDS).',
    );
    expect(() => assertMinInterval(cron, 'UTC', from, 1)).not.toThrow();
  });
});
