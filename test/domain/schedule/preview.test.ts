import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { schedulePreview } from '../../../src/domain/schedule/preview.js';

const FRIDAY = new Date('2026-03-27T10:00:00Z');

describe('schedulePreview', () => {
  it('describes a friendly form the app accepts in its own words, with the next check-ins from the slot code', () => {
    const p = schedulePreview('weekly mon 09:00', 'europe/berlin', FRIDAY);
    expect(p).toMatchObject({ cron: '0 9 * * 1', tz: 'Europe/Berlin', description: 'every Monday at 09:00' });
    // 09:00 in Berlin is 08:00Z before the spring change (29 March), 07:00Z after.
    expect(p.next.map((d) => d.toISOString())).toEqual(['2026-03-30T07:00:00.000Z', '2026-04-06T07:00:00.000Z', '2026-04-13T07:00:00.000Z']);
  });

  it('reads out with cronstrue the cron shapes the app only quotes', () => {
    expect(schedulePreview('0 9 L * *', 'UTC', FRIDAY).description).toBe('At 09:00, on the last day of the month');
    expect(schedulePreview('0 9 * * 1,3', 'UTC', FRIDAY).description).toBe('At 09:00, only on Monday and Wednesday');
    // A seconds field is the app's too.
    expect(schedulePreview('*/30 * * * * *', 'UTC', FRIDAY, 2).next.map((d) => d.toISOString())).toEqual(['2026-03-27T10:00:30.000Z', '2026-03-27T10:01:00.000Z']);
  });

  it('refuses what the app refuses, with the parser\'s own reason', () => {
    expect(() => schedulePreview('61 * * * *', 'UTC', FRIDAY)).toThrow(DomainError);
    expect(() => schedulePreview('61 * * * *', 'UTC', FRIDAY)).toThrow(/the minute field "61" is not valid/);
    expect(() => schedulePreview('every 2 weeks', 'UTC', FRIDAY)).toThrow(/not a schedule I understand|not supported/);
    expect(() => schedulePreview('daily 09:00', 'EST', FRIDAY)).toThrow(/Unknown time zone "EST"/);
  });
});
