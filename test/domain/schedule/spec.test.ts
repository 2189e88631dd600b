import { describe, it, expect } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { parseScheduleSpec, parseTimezone } from '../../../src/domain/schedule/spec.js';

function failure(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('parseScheduleSpec', () => {
  it.each([
    ['0 9 * * 1', '0 9 * * 1', 'every Monday at 09:00'],
    ['  0   9 * *   MON ', '0 9 * * MON', 'every Monday at 09:00'],
    ['*/5 * * * * *', '*/5 * * * * *', 'every 5 seconds'],
    ['0 0 9 * * *', '0 0 9 * * *', 'every day at 09:00'],
    ['30 9 15 * *', '30 9 15 * *', 'on day 15 of every month at 09:30'],
    ['0 9-17 * * 1-5', '0 9-17 * * 1-5', 'on the cron schedule "0 9-17 * * 1-5"'],
    ['daily 09:00', '0 9 * * *', 'every day at 09:00'],
    ['Daily 9am', '0 9 * * *', 'every day at 09:00'],
    ['every day at 5:30pm', '30 17 * * *', 'every day at 17:30'],
    ['weekdays 09:30', '30 9 * * 1-5', 'every weekday (Monday to Friday) at 09:30'],
    ['weekly mon 09:00', '0 9 * * 1', 'every Monday at 09:00'],
    ['weekly monday 9am', '0 9 * * 1', 'every Monday at 09:00'],
    ['every monday 09:00', '0 9 * * 1', 'every Monday at 09:00'],
    ['weekly sun 12am', '0 0 * * 0', 'every Sunday at 00:00'],
    ['weekly fri 12pm', '0 12 * * 5', 'every Friday at 12:00'],
    ['monthly 1 09:00', '0 9 1 * *', 'on day 1 of every month at 09:00'],
    ['monthly 28th 18:15', '15 18 28 * *', 'on day 28 of every month at 18:15'],
    ['hourly', '0 * * * *', 'every hour'],
    ['every 15m', '*/15 * * * *', 'every 15 minutes'],
    ['every 30s', '*/30 * * * * *', 'every 30 seconds'],
    ['every 2h', '0 */2 * * *', 'every 2 hours'],
    ['every 1m', '* * * * *', 'every minute'],
    ['every 10 minutes', '*/10 * * * *', 'every 10 minutes'],
  ])('%j -> %j (%s)', (text, cron, description) => {
    expect(parseScheduleSpec(text)).toEqual({ cron, description });
  });

  it.each([
    ['61 * * * *', /^"61 \* \* \* \*" is not a valid cron expression: the minute field "61" is not valid \(minute takes 0-59/],
    ['0 24 * * *', /the hour field "24" is not valid \(hour takes 0-23/],
    ['0 9 * 13 *', /the month field "13" is not valid/],
    ['0 9 * * 8', /the day-of-week field "8" is not valid/],
    ['60 0 9 * * *', /the second field "60" is not valid \(second takes 0-59/],
    ['*/0 * * * *', /the minute field "\*\/0" is not valid/],
    ['* * *', /"\* \* \*" is not a valid cron expression: it has 3 fields, expected 5 or 6/],
    ['* * * * * * *', /it has 7 fields, expected 5 or 6/],
    ['0 0 30 2 *', /"0 0 30 2 \*" is not a valid cron expression: its fields never line up/],
    ['H * * * *', /"H" \(hashed random\) values are not supported/],
    ['tomorrow', /^"tomorrow" is not a schedule I understand\./],
    ['@daily', /"@daily" is not a schedule I understand/],
    ['', /^The schedule is empty\./],
  ])('refuses %j, naming the problem and the accepted forms', (text, reason) => {
    const err = failure(() => parseScheduleSpec(text));
    expect(err.code).toBe('invalid_cron');
    expect(err.message).toMatch(reason);
    expect(err.message).toContain('"daily 09:00"');
    expect(err.message).toContain('5 fields');
  });

  it.each([
    ['every 45m', /"every 45m" is not supported: the step must be shorter than an hour and divide it evenly.*every 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 minutes/],
    ['every 7s', /shorter than a minute.*every 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 seconds/],
    ['every 60m', /shorter than an hour/],
    ['every 5h', /shorter than a day.*every 1, 2, 3, 4, 6, 8, 12 hours, or "daily 09:00"/],
    ['daily 25:00', /^"25:00" is not a time of day: write it as HH:MM/],
    ['daily 9', /^"9" is not a time of day/],
    ['daily 13pm', /^"13pm" is not a time of day/],
    ['weekdays', /^The time of day is missing/],
    ['weekly funday 09:00', /^"funday" is not a day of the week/],
    ['monthly 31 09:00', /^Not every month has a day 31, so "monthly 31" would skip months/],
    ['monthly 0 09:00', /^"0" is not a day of the month/],
  ])('refuses the friendly form %j with a specific reason', (text, reason) => {
    const err = failure(() => parseScheduleSpec(text));
    expect(err.code).toBe('invalid_cron');
    expect(err.message).toMatch(reason);
  });
});

describe('parseTimezone', () => {
  it.each([
    ['Europe/Berlin', 'Europe/Berlin'],
    ['America/New_York', 'America/New_York'],
    ['UTC', 'UTC'],
    ['utc', 'UTC'],
    [' europe/berlin ', 'Europe/Berlin'],
    ['Etc/UTC', 'UTC'],
  ])('accepts %j as %j', (tz, canonical) => {
    expect(parseTimezone(tz)).toBe(canonical);
  });

  it('refuses an unknown zone with a message naming it and an example', () => {
    const err = failure(() => parseTimezone('Mars/Base'));
    expect(err.code).toBe('invalid_timezone');
    expect(err.message).toBe('Unknown time zone "Mars/Base". Use an IANA name such as Europe/Berlin.');
  });

  it.each(['EST', 'CET', '+01:00', '', 'Europe/Berlin/Mitte'])('refuses %j (not an IANA zone name)', (tz) => {
    expect(failure(() => parseTimezone(tz)).code).toBe('invalid_timezone');
  });
});
