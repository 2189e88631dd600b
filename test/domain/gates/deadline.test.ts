import { describe, it, expect } from 'vitest';
import { formatDuration, parseDeadline } from '../../../src/domain/gates/deadline.js';
import { errorOf } from '../../helpers/errors.js';

const now = new Date('2026-06-01T12:00:00Z');
const M = 60_000;
const H = 60 * M;
const D = 24 * H;


describe('parseDeadline: durations', () => {
  it.each([
    ['48h', 48 * H],
    ['2d', 2 * D],
    ['90m', 90 * M],
    ['1w', 7 * D],
    ['1d12h', 36 * H],
    ['1h30m', 90 * M],
    ['1w2d3h4m', 9 * D + 3 * H + 4 * M],
    ['1d 12h', 36 * H],
    ['  48h\n', 48 * H],
    ['48H', 48 * H],
    ['90d', 90 * D],
  ])('%j is now + %i ms', (text, ms) => {
    expect(parseDeadline(text, now).getTime()).toBe(now.getTime() + ms);
  });
});

describe('parseDeadline: dates and date-times', () => {
  it.each([
    ['2026-08-01T17:00Z', '2026-08-01T17:00:00.000Z'],
    ['2026-07-01T17:00:00+01:00', '2026-07-01T16:00:00.000Z'],
    ['2026-07-01T17:00:00-05:30', '2026-07-01T22:30:00.000Z'],
    ['2026-07-01T17:00+0200', '2026-07-01T15:00:00.000Z'],
    ['2026-07-01T17:00:30.5Z', '2026-07-01T17:00:30.500Z'],
    ['2026-07-01t09:15z', '2026-07-01T09:15:00.000Z'],
    // A bare date means 17:00 UTC that day.
    ['2026-07-01', '2026-07-01T17:00:00.000Z'],
    ['2026-06-01', '2026-06-01T17:00:00.000Z'],
    [' 2026-07-01T17:00Z ', '2026-07-01T17:00:00.000Z'],
  ])('%j is %s', (text, iso) => {
    expect(parseDeadline(text, now).toISOString()).toBe(iso);
  });
});

describe('parseDeadline: the forms in the usage message', () => {
  const november = new Date('2026-11-01T00:00:00Z');
  it.each([
    ['2026-12-01T17:00Z', '2026-12-01T17:00:00.000Z'],
    ['2026-12-01T17:00:00+01:00', '2026-12-01T16:00:00.000Z'],
    ['2026-12-01', '2026-12-01T17:00:00.000Z'],
  ])('%j is %s', (text, iso) => {
    expect(parseDeadline(text, november).toISOString()).toBe(iso);
  });
});

describe('parseDeadline: refusals', () => {
  it.each([
    ['', 'invalid_deadline'],
    ['   ', 'invalid_deadline'],
    ['tomorrow', 'invalid_deadline'],
    ['48', 'invalid_deadline'],
    ['h', 'invalid_deadline'],
    ['12h1d', 'invalid_deadline'],
    ['-2h', 'invalid_deadline'],
    ['1.5d', 'invalid_deadline'],
    ['2026-02-30', 'invalid_deadline'],
    ['2026-13-01T10:00Z', 'invalid_deadline'],
    ['2026-07-01T24:00Z', 'invalid_deadline'],
    ['2026-07-01T10:60Z', 'invalid_deadline'],
    ['2026-07-01T10:00+25:00', 'invalid_deadline'],
    ['01/07/2026', 'invalid_deadline'],
    ['0h', 'deadline_in_past'],
    ['0m', 'deadline_in_past'],
    ['2026-06-01T12:00Z', 'deadline_in_past'],
    ['2026-05-31', 'deadline_in_past'],
    ['2026-06-01T13:00+02:00', 'deadline_in_past'],
    ['91d', 'deadline_too_far'],
    ['13w', 'deadline_too_far'],
    ['90d1m', 'deadline_too_far'],
    ['2027-01-01T00:00Z', 'deadline_too_far'],
  ])('%j -> %s', (text, code) => {
    expect(errorOf(() => parseDeadline(text, now)).code).toBe(code);
  });

  it('names the accepted forms when it cannot parse', () => {
    const e = errorOf(() => parseDeadline('next friday', now));
    expect(e.message).toContain('"next friday"');
    expect(e.message).toMatch(/48h.*2d.*2026-12-01T17:00Z/);
  });

  it('asks for a time zone when a date-time has none', () => {
    const e = errorOf(() => parseDeadline('2026-07-01T17:00', now));
    expect(e.code).toBe('invalid_deadline');
    expect(e.message).toContain('no time zone');
  });
});

describe('formatDuration', () => {
  it.each([
    [2 * D + 3 * H, '2d 3h'],
    [2 * D + 3 * H + 15 * M, '2d 3h'],
    [45 * M, '45m'],
    [5 * H + 20 * M, '5h 20m'],
    [D + 5 * M, '1d'],
    [48 * H, '2d'],
    [48 * H - 20_000, '2d'],
    [H, '1h'],
    [90 * M, '1h 30m'],
    [M, '1m'],
    [20_000, 'less than a minute'],
    [0, 'less than a minute'],
    [-5 * M, 'less than a minute'],
  ])('%i ms -> %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
