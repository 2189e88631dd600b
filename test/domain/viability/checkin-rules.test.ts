import { describe, expect, it } from 'vitest';
import { checkinAskees, parseAskMode, storedAskMode } from '../../../src/domain/viability/asked.js';
import { reminderDueAt } from '../../../src/domain/viability/reminder.js';
import { silentRun } from '../../../src/domain/viability/trend.js';

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

describe('check-in rules', () => {
  it('reminds at 75 % of a short window and 2 h before the close of a long one; not at all under 20 minutes', () => {
    const posted = at('2026-03-02T09:00:00Z');
    expect(reminderDueAt(posted, new Date(posted.getTime() + HOUR))).toEqual(at('2026-03-02T09:45:00Z'));
    expect(reminderDueAt(posted, new Date(posted.getTime() + 24 * HOUR))).toEqual(at('2026-03-03T07:00:00Z'));
    expect(reminderDueAt(posted, new Date(posted.getTime() + 8 * HOUR))).toEqual(at('2026-03-02T15:00:00Z'));
    expect(reminderDueAt(posted, new Date(posted.getTime() + 19 * 60_000))).toBeNull();
  });

  it('asks the stakeholders, or the owner when the brief names none', () => {
    expect(checkinAskees({ ownerId: 'U0OWN', brief: { stakeholders: ['U0A', 'U0B', 'U0A'] } })).toEqual(['U0A', 'U0B']);
    expect(checkinAskees({ ownerId: 'U0OWN', brief: { stakeholders: [] } })).toEqual(['U0OWN']);
    expect(checkinAskees({ ownerId: 'U0OWN', brief: null })).toEqual(['U0OWN']);
  });

  it('reads --ask channel|dm, refuses anything else, and reads a stored schedule without one as channel', () => {
    expect(parseAskMode('DM')).toBe('dm');
    expect(parseAskMode('channel')).toBe('channel');
    expect(() => parseAskMode('email')).toThrow(/--ask channel .* or --ask dm/);
    expect(storedAskMode({ windowSeconds: 60 })).toBe('channel');
    expect(storedAskMode({ ask: 'dm' })).toBe('dm');
  });

  it('counts the silent check-ins in a row up to the newest; an answered one ends the run', () => {
    expect(silentRun(['no_responses', 'no_responses', 'at_risk', 'no_responses'])).toBe(2);
    expect(silentRun(['on_track', 'no_responses'])).toBe(0);
    expect(silentRun([])).toBe(0);
  });
});
