import type { ColumnDriftResult, EvaluatedColumn } from './evaluate.js';
import type { DriftReport, PerformanceCheck } from './report.js';

/**
 * The rules of drift alert threads, as pure functions: how severe a batch is, which columns to
 * show first, whether a batch that arrives while an incident is open gets a reply of its own or is
 * folded into the next digest, when that digest is due, and which state changes the buttons may
 * make. The verbs in src/services/drift/alerts apply them inside their transactions.
 */

export const INCIDENT_STATUSES = ['open', 'acknowledged', 'snoozed', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export type Severity = 'warning' | 'critical';

/** Snooze 24h. */
export const SNOOZE_MS = 24 * 3_600_000;
export const DEFAULT_ACK_TIMEOUT_MINUTES = 30;
export const DEFAULT_REPLY_INTERVAL_MINUTES = 15;

type Verdict = Pick<DriftReport, 'datasetDrift' | 'performanceAlert' | 'nDrifted'>;

/**
 * Critical: the dataset drifts (the share of drifted columns reached the threshold) or a success
 * metric recomputed from labels misses its target. Warning: some columns drifted. Null: the batch
 * is under every threshold, and raises nothing.
 */
export function severityOf(r: Verdict): Severity | null {
  if (r.datasetDrift || r.performanceAlert) return 'critical';
  return r.nDrifted > 0 ? 'warning' : null;
}

export function isAlerting(r: Verdict): boolean {
  return severityOf(r) !== null;
}

/** The more severe of two; an incident's severity only ever goes up. */
export function maxSeverity(a: Severity, b: Severity | null): Severity {
  return a === 'critical' || b === 'critical' ? 'critical' : 'warning';
}

export type NamedColumn = { name: string } & ColumnDriftResult;
export type DriftedColumn = { name: string } & EvaluatedColumn;

/**
 * How far past its threshold a column is, on one scale for every test: above 1 means drifted. A
 * distance compares as score / threshold; a p-value as ln(p) / ln(threshold), so p = 0.0025 with
 * threshold 0.05 reads 2 (as far below the threshold, in orders of magnitude, as the threshold is
 * below 1). A p-value of 0 is infinitely strong.
 */
export function driftStrength(c: Pick<EvaluatedColumn, 'scoreKind' | 'score' | 'threshold'>): number {
  if (c.scoreKind === 'distance') return c.threshold > 0 ? c.score / c.threshold : Infinity;
  if (c.score <= 0) return Infinity;
  return Math.log(c.score) / Math.log(c.threshold);
}

/** The drifted columns, most drifted first (ties keep the report's order). */
export function driftedColumns(r: { columns: readonly NamedColumn[] }): DriftedColumn[] {
  const drifted = r.columns.filter((c): c is DriftedColumn => c.evaluable && c.drifted);
  return drifted.map((c, i) => ({ c, i, s: driftStrength(c) })).sort((a, b) => b.s - a.s || a.i - b.i).map((x) => x.c);
}

/** Success metrics recomputed from the batch's labels that miss their target. */
export function missedTargets(r: { performance: readonly PerformanceCheck[] }): PerformanceCheck[] {
  return r.performance.filter((p) => p.met === false);
}

/** What an open incident's thread knows about its replies. */
export interface ThreadState {
  status: IncidentStatus;
  snoozedUntil: Date | null;
  /** The last batch reply (or the root, for a new incident). */
  lastReplyAt: Date | null;
  /** Batches folded into the next digest since then, and how many of them drifted. */
  skippedBatches: number;
  skippedDrifted: number;
}

/** Batches that got no reply of their own, told in the next one: "+12 batches since, 9 drifted". */
export interface Digest {
  batches: number;
  drifted: number;
}

export function digestOf(s: Pick<ThreadState, 'skippedBatches' | 'skippedDrifted'>): Digest | null {
  return s.skippedBatches > 0 ? { batches: s.skippedBatches, drifted: s.skippedDrifted } : null;
}

export function isSnoozed(s: Pick<ThreadState, 'status' | 'snoozedUntil'>, now: Date): boolean {
  return s.status === 'snoozed' && (s.snoozedUntil === null || s.snoozedUntil.getTime() > now.getTime());
}

/** When the thread may get its next batch reply. */
export function nextReplyAt(s: Pick<ThreadState, 'lastReplyAt'>, replyIntervalMs: number): Date | null {
  return s.lastReplyAt ? new Date(s.lastReplyAt.getTime() + replyIntervalMs) : null;
}

export type FollowUp =
  /** Reply in the thread now, with the digest of what was folded since the last reply. */
  | { kind: 'reply'; digest: Digest | null }
  /**
   * Count the batch into the digest. `digestAt`: when a digest timer should post it if no batch
   * comes by then (null while snoozed: the end of the snooze tells it).
   */
  | { kind: 'fold'; reason: 'throttled' | 'snoozed'; digestAt: Date | null };

/**
 * A batch that arrives while an incident is open: at most one reply per `replyIntervalMs` (the
 * root counts as the first), none at all while snoozed; anything else is folded into the digest.
 */
export function decideFollowUp(s: ThreadState, replyIntervalMs: number, now: Date): FollowUp {
  if (isSnoozed(s, now)) return { kind: 'fold', reason: 'snoozed', digestAt: null };
  const next = nextReplyAt(s, replyIntervalMs);
  if (next && now.getTime() < next.getTime()) return { kind: 'fold', reason: 'throttled', digestAt: next };
  return { kind: 'reply', digest: digestOf(s) };
}

/** The state after a follow-up: a reply resets the digest, a fold counts the batch into it. */
export function afterFollowUp(s: ThreadState, f: FollowUp, alerting: boolean, now: Date): Pick<ThreadState, 'lastReplyAt' | 'skippedBatches' | 'skippedDrifted'> {
  if (f.kind === 'reply') return { lastReplyAt: now, skippedBatches: 0, skippedDrifted: 0 };
  return { lastReplyAt: s.lastReplyAt, skippedBatches: s.skippedBatches + 1, skippedDrifted: s.skippedDrifted + (alerting ? 1 : 0) };
}

export type DigestDecision = { kind: 'post'; digest: Digest } | { kind: 'wait'; until: Date } | { kind: 'none' };

/**
 * The digest timer: when the interval has passed and batches were folded, post them even though
 * no new batch arrived. Nothing while snoozed (the end of the snooze tells them) or resolved (the
 * resolution does); wait when a reply went out meanwhile and the interval restarted.
 */
export function decideDigest(s: ThreadState, replyIntervalMs: number, now: Date): DigestDecision {
  const digest = digestOf(s);
  if (!digest || s.status === 'resolved' || isSnoozed(s, now)) return { kind: 'none' };
  const next = nextReplyAt(s, replyIntervalMs);
  if (next && now.getTime() < next.getTime()) return { kind: 'wait', until: next };
  return { kind: 'post', digest };
}

export const ALERT_ACTIONS = ['acknowledge', 'snooze', 'resolve'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

export type Transition =
  | { kind: 'change'; to: IncidentStatus }
  /** Nothing to do: the incident is already where the action would take it. */
  | { kind: 'unchanged' }
  | { kind: 'refused'; reason: 'resolved' };

/**
 * What a button (or the matching command) does to an incident:
 * - Acknowledge: open → acknowledged (stops the escalation); already acknowledged or snoozed: nothing.
 * - Snooze 24h: open, acknowledged or snoozed → snoozed for 24 h from now. Snoozing is a response
 *   to the alert, so it counts as acknowledging it: no escalation, and acknowledged when it ends.
 * - Resolve: any unresolved state → resolved; later drift opens a new incident.
 * A resolved incident takes no action any more.
 */
export function transition(status: IncidentStatus, action: AlertAction): Transition {
  if (status === 'resolved') return { kind: 'refused', reason: 'resolved' };
  switch (action) {
    case 'acknowledge':
      return status === 'open' ? { kind: 'change', to: 'acknowledged' } : { kind: 'unchanged' };
    case 'snooze':
      return { kind: 'change', to: 'snoozed' };
    case 'resolve':
      return { kind: 'change', to: 'resolved' };
  }
}

/** The statuses an action may start from (the compare-and-set's expected values). */
export function fromStatuses(action: AlertAction): IncidentStatus[] {
  return INCIDENT_STATUSES.filter((s) => transition(s, action).kind === 'change');
}

/** The buttons the root message shows in each state: none once resolved. */
export function buttonsFor(status: IncidentStatus): AlertAction[] {
  if (status === 'resolved') return [];
  return status === 'open' ? ['acknowledge', 'snooze', 'resolve'] : ['snooze', 'resolve'];
}

/** An unacknowledged incident escalates to the owner once; only an open one (not acknowledged, snoozed or resolved). */
export function shouldEscalate(s: { status: IncidentStatus; escalatedAt: Date | null }): boolean {
  return s.status === 'open' && s.escalatedAt === null;
}
