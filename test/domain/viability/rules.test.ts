import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import type { ViabilityAnswer, ViabilityVerdict } from '../../../src/domain/viability/answers.js';
import { decideEscalation } from '../../../src/domain/viability/escalation.js';
import { summarizeResponses } from '../../../src/domain/viability/summary.js';
import { checkinWindowMs, DEFAULT_WINDOW_MS, parseWindow } from '../../../src/domain/viability/window.js';

const answers = (...list: ViabilityAnswer[]) => list.map((answer, i) => ({ userId: `U${i}`, answer, comment: null }));

describe('summarizeResponses', () => {
  it.each<[string, ViabilityAnswer[], ViabilityVerdict]>([
    ['nobody answered', [], 'no_responses'],
    ['all on track', ['on_track', 'on_track'], 'on_track'],
    ['a strict majority of Not viable', ['not_viable', 'not_viable', 'on_track'], 'not_viable'],
    ['Not viable at exactly half is not a majority, but is at risk', ['not_viable', 'on_track'], 'at_risk'],
    ['concerns at half (tie) read as at risk', ['at_risk', 'on_track'], 'at_risk'],
    ['concerns outnumber on track', ['at_risk', 'not_viable', 'on_track'], 'at_risk'],
    ['on track is a strict majority', ['on_track', 'on_track', 'at_risk'], 'on_track'],
    ['a single Not viable', ['not_viable'], 'not_viable'],
  ])('%s', (_, given, verdict) => {
    expect(summarizeResponses(answers(...given)).verdict).toBe(verdict);
  });

  it('counts each answer and keeps only non-empty comments, trimmed', () => {
    const s = summarizeResponses([
      { userId: 'U1', answer: 'on_track', comment: '  shipping next week ' },
      { userId: 'U2', answer: 'at_risk', comment: '   ' },
      { userId: 'U3', answer: 'at_risk', comment: null },
    ]);
    expect(s.counts).toEqual({ on_track: 1, at_risk: 2, not_viable: 0 });
    expect(s.total).toBe(3);
    expect(s.comments).toEqual([{ userId: 'U1', answer: 'on_track', comment: 'shipping next week' }]);
  });
});

describe('decideEscalation', () => {
  it('escalates a Not viable majority at once, whatever came before', () => {
    expect(decideEscalation('not_viable', null)).toEqual({ escalate: true, reason: 'not_viable_majority' });
    expect(decideEscalation('not_viable', 'on_track')).toEqual({ escalate: true, reason: 'not_viable_majority' });
  });

  it('escalates At risk only when the previous answered check-in was at risk or worse', () => {
    expect(decideEscalation('at_risk', null)).toEqual({ escalate: false });
    expect(decideEscalation('at_risk', 'on_track')).toEqual({ escalate: false });
    expect(decideEscalation('at_risk', 'at_risk')).toEqual({ escalate: true, reason: 'at_risk_twice' });
    expect(decideEscalation('at_risk', 'not_viable')).toEqual({ escalate: true, reason: 'at_risk_twice' });
  });

  it('never escalates on track or silence', () => {
    expect(decideEscalation('on_track', 'at_risk')).toEqual({ escalate: false });
    expect(decideEscalation('no_responses', 'not_viable')).toEqual({ escalate: false });
  });
});

describe('response window', () => {
  const now = new Date('2026-01-05T00:00:00Z');
  it('parses s, m, h and d', () => {
    expect(parseWindow('30s')).toBe(30_000);
    expect(parseWindow('90m')).toBe(90 * 60_000);
    expect(parseWindow('24h')).toBe(DEFAULT_WINDOW_MS);
    expect(parseWindow('2D')).toBe(2 * DEFAULT_WINDOW_MS);
  });

  it.each(['', '24', 'h', '-1h', '1.5h', '0h', '31d', 'soon'])('refuses %j with a clear message', (text) => {
    expect(() => parseWindow(text)).toThrow(DomainError);
  });

  it('defaults to 24 h, or the gap between check-ins when that is shorter', () => {
    expect(checkinWindowMs('0 9 * * 1', 'UTC', now)).toBe(DEFAULT_WINDOW_MS);
    expect(checkinWindowMs('*/10 * * * * *', 'UTC', now)).toBe(10_000);
  });

  it('refuses a window longer than the gap between check-ins, naming both', () => {
    expect(() => checkinWindowMs('0 * * * *', 'UTC', now, 2 * 3_600_000)).toThrow(/response window \(2h\) is longer than the time between check-ins \(1h\)/);
    expect(checkinWindowMs('0 * * * *', 'UTC', now, 30 * 60_000)).toBe(30 * 60_000);
  });
});
