import { describe, expect, it } from 'vitest';
import {
  afterFollowUp,
  buttonsFor,
  decideDigest,
  decideFollowUp,
  driftedColumns,
  driftStrength,
  fromStatuses,
  maxSeverity,
  severityOf,
  shouldEscalate,
  type ThreadState,
  transition,
} from '../../../src/domain/drift/alert-policy.js';
import type { NamedColumn } from '../../../src/domain/drift/alert-policy.js';

const MIN = 60_000;
const T0 = new Date('2030-01-01T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);
const state = (s: Partial<ThreadState> = {}): ThreadState => ({ status: 'open', snoozedUntil: null, lastReplyAt: T0, skippedBatches: 0, skippedDrifted: 0, ...s });

describe('severity', () => {
  it('critical for dataset drift or a missed success metric, warning for some drifted columns, nothing otherwise', () => {
    expect(severityOf({ datasetDrift: true, performanceAlert: false, nDrifted: 3 })).toBe('critical');
    expect(severityOf({ datasetDrift: false, performanceAlert: true, nDrifted: 0 })).toBe('critical');
    expect(severityOf({ datasetDrift: false, performanceAlert: false, nDrifted: 1 })).toBe('warning');
    expect(severityOf({ datasetDrift: false, performanceAlert: false, nDrifted: 0 })).toBeNull();
  });
  it('only goes up', () => {
    expect(maxSeverity('warning', 'critical')).toBe('critical');
    expect(maxSeverity('critical', 'warning')).toBe('critical');
    expect(maxSeverity('critical', null)).toBe('critical');
    expect(maxSeverity('warning', null)).toBe('warning');
  });
});

describe('how drifted a column is', () => {
  const col = (name: string, scoreKind: 'p_value' | 'distance', score: number, threshold: number, drifted = true): NamedColumn =>
    ({ name, evaluable: true, scoreKind, score, threshold, drifted, test: scoreKind === 'p_value' ? 'ks' : 'wasserstein' }) as NamedColumn;
  it('reads p-values and distances on one scale, past 1 when drifted', () => {
    expect(driftStrength({ scoreKind: 'distance', score: 0.3, threshold: 0.1 })).toBeCloseTo(3);
    expect(driftStrength({ scoreKind: 'p_value', score: 0.0025, threshold: 0.05 })).toBeCloseTo(2);
    expect(driftStrength({ scoreKind: 'p_value', score: 0.5, threshold: 0.05 })).toBeLessThan(1);
    expect(driftStrength({ scoreKind: 'p_value', score: 0, threshold: 0.05 })).toBe(Infinity);
  });
  it('lists the drifted columns, most drifted first, ties in report order', () => {
    const columns = [
      col('a', 'p_value', 0.01, 0.05),
      col('b', 'distance', 0.5, 0.1),
      col('c', 'p_value', 0.5, 0.05, false),
      col('d', 'p_value', 0.01, 0.05),
      { name: 'e', evaluable: false, drifted: false } as NamedColumn,
    ];
    expect(driftedColumns({ columns }).map((c) => c.name)).toEqual(['b', 'a', 'd']);
  });
});

describe('replies while an incident is open', () => {
  const interval = 15 * MIN;
  it('the root counts as the first post: a batch within the interval is folded, with the digest due when it ends', () => {
    expect(decideFollowUp(state(), interval, at(1))).toEqual({ kind: 'fold', reason: 'throttled', digestAt: at(15) });
  });
  it('after the interval a batch replies, carrying the digest of what was folded', () => {
    expect(decideFollowUp(state({ skippedBatches: 12, skippedDrifted: 9 }), interval, at(15))).toEqual({ kind: 'reply', digest: { batches: 12, drifted: 9 } });
    expect(decideFollowUp(state(), interval, at(20))).toEqual({ kind: 'reply', digest: null });
  });
  it('while snoozed, every batch is folded, and no digest timer: the end of the snooze tells them', () => {
    const snoozed = state({ status: 'snoozed', snoozedUntil: at(24 * 60), lastReplyAt: at(-60) });
    expect(decideFollowUp(snoozed, interval, at(100))).toEqual({ kind: 'fold', reason: 'snoozed', digestAt: null });
    // A snooze whose end has passed (its timer not run yet) no longer holds replies back.
    expect(decideFollowUp(snoozed, interval, at(24 * 60 + 1)).kind).toBe('reply');
  });
  it('a reply resets the digest; a fold counts the batch, and whether it drifted', () => {
    const s = state({ skippedBatches: 2, skippedDrifted: 1 });
    expect(afterFollowUp(s, { kind: 'reply', digest: null }, true, at(20))).toEqual({ lastReplyAt: at(20), skippedBatches: 0, skippedDrifted: 0 });
    expect(afterFollowUp(s, { kind: 'fold', reason: 'throttled', digestAt: at(15) }, true, at(3))).toEqual({ lastReplyAt: T0, skippedBatches: 3, skippedDrifted: 2 });
    expect(afterFollowUp(s, { kind: 'fold', reason: 'throttled', digestAt: at(15) }, false, at(3))).toEqual({ lastReplyAt: T0, skippedBatches: 3, skippedDrifted: 1 });
  });
  it('the digest timer posts what was folded once the interval passed, and nothing else', () => {
    const folded = state({ skippedBatches: 3, skippedDrifted: 2 });
    expect(decideDigest(folded, interval, at(15))).toEqual({ kind: 'post', digest: { batches: 3, drifted: 2 } });
    expect(decideDigest(folded, interval, at(10))).toEqual({ kind: 'wait', until: at(15) });
    expect(decideDigest(state(), interval, at(15))).toEqual({ kind: 'none' });
    expect(decideDigest({ ...folded, status: 'resolved' }, interval, at(15))).toEqual({ kind: 'none' });
    expect(decideDigest({ ...folded, status: 'snoozed', snoozedUntil: at(600) }, interval, at(15))).toEqual({ kind: 'none' });
  });
});

describe('the buttons', () => {
  it('acknowledge only an open incident; snooze and resolve any unresolved one; a resolved one takes nothing', () => {
    expect(transition('open', 'acknowledge')).toEqual({ kind: 'change', to: 'acknowledged' });
    expect(transition('acknowledged', 'acknowledge')).toEqual({ kind: 'unchanged' });
    expect(transition('snoozed', 'acknowledge')).toEqual({ kind: 'unchanged' });
    expect(transition('acknowledged', 'snooze')).toEqual({ kind: 'change', to: 'snoozed' });
    expect(transition('snoozed', 'snooze')).toEqual({ kind: 'change', to: 'snoozed' });
    expect(transition('snoozed', 'resolve')).toEqual({ kind: 'change', to: 'resolved' });
    for (const a of ['acknowledge', 'snooze', 'resolve'] as const) expect(transition('resolved', a)).toEqual({ kind: 'refused', reason: 'resolved' });
    expect(fromStatuses('acknowledge')).toEqual(['open']);
    expect(fromStatuses('resolve')).toEqual(['open', 'acknowledged', 'snoozed']);
  });
  it('shows Acknowledge while open, Snooze 24h and Resolve until resolved, nothing after', () => {
    expect(buttonsFor('open')).toEqual(['acknowledge', 'snooze', 'resolve']);
    expect(buttonsFor('acknowledged')).toEqual(['snooze', 'resolve']);
    expect(buttonsFor('snoozed')).toEqual(['snooze', 'resolve']);
    expect(buttonsFor('resolved')).toEqual([]);
  });
  it('escalates an open incident once; acknowledged, snoozed or resolved ones never', () => {
    expect(shouldEscalate({ status: 'open', escalatedAt: null })).toBe(true);
    expect(shouldEscalate({ status: 'open', escalatedAt: T0 })).toBe(false);
    for (const status of ['acknowledged', 'snoozed', 'resolved'] as const) expect(shouldEscalate({ status, escalatedAt: null })).toBe(false);
  });
});
