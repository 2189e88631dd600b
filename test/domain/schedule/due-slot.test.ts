import { describe, expect, it } from 'vitest';
import { dueSlotAndNext, latestSlotAtOrBefore, nextSlot } from '../../../src/domain/schedule/slots.js';

// dueSlotAndNext is the scheduler's one-walk shortcut: it must agree with the two functions it replaces.
const CASES: [string, string, string, string][] = [
  ['0 9 * * *', 'Europe/Berlin', '2026-03-29T07:00:00Z', '2026-03-28T08:00:00Z'],
  ['30 2 * * *', 'Europe/Berlin', '2026-03-29T01:30:00Z', '2026-03-28T01:30:00Z'],
  ['30 2 * * *', 'Europe/Berlin', '2026-10-25T01:10:00Z', '2026-10-25T00:30:00Z'],
  ['*/30 * * * *', 'Europe/Berlin', '2026-10-25T01:31:00Z', '2026-10-25T00:00:00Z'],
  ['0 * * * *', 'UTC', '2026-04-02T05:30:00Z', '2026-04-02T01:00:00Z'],
  ['*/5 * * * * *', 'UTC', '2026-04-02T05:30:00Z', '2026-04-01T00:00:00Z'],
  ['0 9 * * 1', 'America/New_York', '2026-03-09T13:00:00Z', '2026-03-02T14:00:00Z'],
  ['0 9 * * *', 'UTC', '2026-04-02T08:00:00Z', '2026-04-02T09:00:00Z'],
];

describe('dueSlotAndNext', () => {
  it.each(CASES)('%s in %s at %s (due since %s) agrees with latestSlotAtOrBefore and nextSlot', (cron, tz, nowIso, dueIso) => {
    const now = new Date(nowIso);
    const notBefore = new Date(Date.parse(dueIso) - 1);
    const { latest, next } = dueSlotAndNext(cron, tz, now, notBefore);
    expect(latest?.toISOString() ?? null).toBe(latestSlotAtOrBefore(cron, tz, now, notBefore)?.toISOString() ?? null);
    expect(next.toISOString()).toBe(nextSlot(cron, tz, now).toISOString());
  });
});
