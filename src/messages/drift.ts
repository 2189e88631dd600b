import type { DriftSettings } from '../domain/drift/settings.js';
import type { DriftTestName } from '../domain/drift/default-test.js';
import type { EvaluatedColumn } from '../domain/drift/evaluate.js';
import type { DriftReport, PerformanceCheck } from '../domain/drift/report.js';
import {
  type AlertAction,
  buttonsFor,
  type Digest,
  driftedColumns,
  type IncidentStatus,
  missedTargets,
  type NamedColumn,
  type Severity,
} from '../domain/drift/alert-policy.js';
import { formatMetric } from '../shared/format-metric.js';
import { type Block, type ButtonSpec, actions, clip, context, divider, esc, header, inlineCode, mention, safeFallback, section, sectionsOfLines, slackDate } from './blocks.js';
import { DRIFT_BLOCKS, driftActionId } from './ids/drift.js';

/**
 * Drift alert threads and `/mlops drift`: the incident's root message (rendered from the database
 * each time it is sent), the thread's one-line replies, the digest of batches that got no reply of
 * their own, the status view, and the lines other surfaces show (status, App Home, check-ins).
 * Column and metric names come from the monitoring data: they are escaped everywhere.
 */

/** Drifted columns listed by name in a root message; the rest are counted. */
export const MAX_ROOT_COLUMNS = 15;
/** Columns listed in `/mlops drift`; the rest are counted (a message holds 50 blocks). */
export const MAX_STATUS_COLUMNS = 60;
/** Drifted columns named in a one-line reply. */
const MAX_REPLY_COLUMNS = 4;
const NAME_MAX = 80;

const SEVERITY_EMOJI: Record<Severity, string> = { critical: ':red_circle:', warning: ':large_orange_circle:' };
const SEVERITY_LABEL: Record<Severity, string> = { critical: 'Critical', warning: 'Warning' };
const ACTION_LABEL: Record<AlertAction, string> = { acknowledge: 'Acknowledge', snooze: 'Snooze 24h', resolve: 'Resolve' };
const TEST_SHORT: Record<DriftTestName, string> = {
  ks: 'KS p-value',
  chisquare: 'chi-square p-value',
  z: 'z-test p-value',
  wasserstein: 'Wasserstein (normed)',
  jensenshannon: 'Jensen–Shannon',
  psi: 'PSI',
};

const num = (v: number) => formatMetric(v, 3);
const pct = (share: number) => `${Math.round(share * 100)}%`;
const code = (name: string) => inlineCode(clip(name, NAME_MAX));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A link to a message in Slack (Slack's permalink form; it opens the thread). */
export function messageLink(channelId: string, ts: string, label: string): string {
  return `<https://slack.com/archives/${channelId}/p${ts.replace('.', '')}|${label}>`;
}

/** "KS p-value 1.2e-5 < 0.05": the score against its threshold, in the direction that decides. */
export function scoreText(c: Pick<EvaluatedColumn, 'test' | 'score' | 'scoreKind' | 'threshold' | 'drifted'>): string {
  const cmp = c.scoreKind === 'p_value' ? (c.drifted ? '<' : '≥') : c.drifted ? '≥' : '<';
  return `${TEST_SHORT[c.test]} ${num(c.score)} ${cmp} ${num(c.threshold)}`;
}

export function columnLine(c: NamedColumn): string {
  if (!c.evaluable) return `:grey_question: ${code(c.name)} — not evaluated: ${esc(c.message)}`;
  return `${c.drifted ? ':red_circle:' : ':large_green_circle:'} ${code(c.name)} — ${scoreText(c)} · PSI ${num(c.psi)}`;
}

export function performanceLine(p: PerformanceCheck): string {
  const cmp = p.direction === 'maximize' ? '≥' : '≤';
  if (p.value === null) return `:heavy_minus_sign: ${code(p.metric)} — not computable from this batch (target ${cmp} ${num(p.target)})`;
  return `${p.met ? ':white_check_mark:' : ':x:'} ${code(p.metric)} ${num(p.value)} ${p.met ? 'meets' : 'misses'} its target ${cmp} ${num(p.target)}`;
}

type ReportSummary = Pick<DriftReport, 'nDrifted' | 'nEvaluated' | 'nColumns' | 'share' | 'driftShare' | 'datasetDrift' | 'performanceAlert'>;

/** "3 of 5 columns drifted (share 60%, dataset drift at ≥ 50%)". */
export function driftSummary(r: ReportSummary): string {
  const drifted = r.nDrifted === 0 ? `none of ${plural(r.nEvaluated, 'column')} drifted` : `${r.nDrifted} of ${plural(r.nEvaluated, 'column')} drifted`;
  const skipped = r.nColumns > r.nEvaluated ? `, ${r.nColumns - r.nEvaluated} not evaluated` : '';
  const verdict = r.datasetDrift ? `*dataset drift* (share ${pct(r.share)} ≥ ${pct(r.driftShare)})` : `share ${pct(r.share)}, dataset drift at ≥ ${pct(r.driftShare)}`;
  return `${drifted}${skipped} — ${verdict}`;
}

/** The incident as its root message shows it. */
export interface IncidentView {
  incidentId: number;
  slug: string;
  ownerId: string;
  status: IncidentStatus;
  severity: Severity;
  openedAt: Date;
  changedBy: string | null;
  changedAt: Date | null;
  snoozedUntil: Date | null;
  escalatedAt: Date | null;
  resolvedAt: Date | null;
  ackTimeoutMinutes: number;
  /** The report of the batch that opened it; null when that batch is no longer stored. */
  report: DriftReport | null;
  /** The name of the API token that sent that batch (`github-actions`), when known. */
  sender?: string | null;
}

const who = (userId: string | null) => (userId ? mention(userId) : 'someone');

/** The state line of the root message: what state, who put it there, and when. */
export function incidentStateLine(v: IncidentView): string {
  switch (v.status) {
    case 'open': {
      const since = `since ${slackDate(v.openedAt)}`;
      if (v.escalatedAt) return `:rotating_light: *Open* ${since} — not acknowledged; escalated to ${mention(v.ownerId)} ${slackDate(v.escalatedAt)}.`;
      const callAt = new Date(v.openedAt.getTime() + v.ackTimeoutMinutes * 60_000);
      return `:rotating_light: *Open* ${since} — not acknowledged yet; ${mention(v.ownerId)} is called if nobody acknowledges it by ${slackDate(callAt, '{time}')}.`;
    }
    case 'acknowledged': {
      const snoozeEnded = v.snoozedUntil && v.changedAt && v.snoozedUntil.getTime() <= v.changedAt.getTime();
      if (snoozeEnded) return `:eyes: *Acknowledged* — snoozed by ${who(v.changedBy)}, the snooze ended ${slackDate(v.snoozedUntil!)}.`;
      return `:eyes: *Acknowledged* by ${who(v.changedBy)}${v.changedAt ? ` ${slackDate(v.changedAt)}` : ''}.`;
    }
    case 'snoozed':
      return `:zzz: *Snoozed* by ${who(v.changedBy)} until ${slackDate(v.snoozedUntil ?? v.changedAt ?? v.openedAt)} — batches are counted in the thread's next update, not posted one by one.`;
    case 'resolved':
      return `:white_check_mark: *Resolved* by ${who(v.changedBy)}${v.resolvedAt ? ` ${slackDate(v.resolvedAt)}` : ''}. New drift opens a new alert.`;
  }
}

function alertButtons(v: Pick<IncidentView, 'status' | 'incidentId'>): ButtonSpec[] {
  return buttonsFor(v.status).map((a) => ({
    text: ACTION_LABEL[a],
    actionId: driftActionId(a),
    value: String(v.incidentId),
    ...(a === 'acknowledge' ? { style: 'primary' as const } : {}),
  }));
}

/** Lines naming the drifted columns, most drifted first, with "…and N more". */
function driftedLines(r: DriftReport, max: number): string[] {
  const drifted = driftedColumns(r);
  const lines = drifted.slice(0, max).map((c) => `• ${code(c.name)} — ${scoreText(c)} · PSI ${num(c.psi)}`);
  if (drifted.length > max) lines.push(`…and ${drifted.length - max} more drifted ${drifted.length - max === 1 ? 'column' : 'columns'}.`);
  return lines;
}

/** The root message of an incident thread: severity, what drifted (test and score vs threshold), the state, the buttons. */
export function incidentMessage(v: IncidentView): { text: string; blocks: Block[] } {
  const r = v.report;
  const blocks: Block[] = [header(`Drift alert — ${v.slug}`)];
  const sev = `${SEVERITY_EMOJI[v.severity]} *${SEVERITY_LABEL[v.severity]}*`;
  if (r) {
    blocks.push(section(`${sev} — ${driftSummary(r)}`));
    const drifted = driftedLines(r, MAX_ROOT_COLUMNS);
    if (drifted.length) blocks.push(...sectionsOfLines([`*Drifted columns* (test: score vs threshold)`, ...drifted]));
    const missed = missedTargets(r);
    if (missed.length) blocks.push(section(`*Performance* (success metrics recomputed from labels)\n${missed.map(performanceLine).join('\n')}`));
    blocks.push(context(`Batch #${r.batchId} · ${plural(r.rows, 'row')} · observed ${slackDate(new Date(r.observedAt))}${v.sender ? ` · sent by ${code(v.sender)}` : ''}${drifted.length ? ' · the reference vs current distributions are charted in the thread' : ''}`));
  } else {
    blocks.push(section(`${sev} — the batch that opened this alert is no longer stored.`));
  }
  blocks.push(divider(), section(incidentStateLine(v), DRIFT_BLOCKS.state));
  const buttons = alertButtons(v);
  if (buttons.length) blocks.push(actions(DRIFT_BLOCKS.actions, buttons));
  const what = r ? (r.nDrifted ? `${r.nDrifted} of ${r.nEvaluated} columns drifted` : 'a success metric misses its target') : 'drift';
  const text = safeFallback(`Drift alert (${v.severity}) for ${v.slug}: ${what} — ${v.status}`);
  return { text, blocks };
}

/** "+12 batches since, 9 drifted". */
export function digestText(d: Digest): string {
  return `+${plural(d.batches, 'batch', 'batches')} since the last update, ${d.drifted} drifted`;
}

/** The short form of a batch for one-line replies. */
function batchLine(r: DriftReport): string {
  const names = driftedColumns(r).map((c) => code(c.name));
  const shown = names.slice(0, MAX_REPLY_COLUMNS).join(', ') + (names.length > MAX_REPLY_COLUMNS ? ` and ${names.length - MAX_REPLY_COLUMNS} more` : '');
  const perf = missedTargets(r).map((p) => `${code(p.metric)} ${p.value === null ? '—' : num(p.value)} misses ${p.direction === 'maximize' ? '≥' : '≤'} ${num(p.target)}`);
  const parts = [r.nDrifted ? `${r.nDrifted} of ${plural(r.nEvaluated, 'column')} drifted (${shown})` : `none of ${plural(r.nEvaluated, 'column')} drifted`];
  if (r.datasetDrift) parts.push(`dataset drift, share ${pct(r.share)}`);
  if (perf.length) parts.push(`performance: ${perf.join(', ')}`);
  return parts.join(' · ');
}

/**
 * A line of an incident's thread. Its text is ready mrkdwn in which every name from the data is
 * escaped already, so the fallback can carry it as it is — with the mentions the app means (the
 * owner called on escalation) left intact.
 */
function reply(line: string, digest: Digest | null): { text: string; blocks: Block[] } {
  const blocks: Block[] = [section(line)];
  if (digest) blocks.push(context(digestText(digest)));
  return { text: `${line}${digest ? ` (${digestText(digest)})` : ''}`, blocks };
}

/** A later batch in an open incident's thread: still drifting, or back under thresholds. */
export function batchReply(r: DriftReport, alerting: boolean, digest: Digest | null, sender?: string | null): { text: string; blocks: Block[] } {
  const from = sender ? ` (from ${code(sender)})` : '';
  if (!alerting) return reply(`:white_check_mark: Batch #${r.batchId}${from} is back under thresholds: ${batchLine(r)}.`, digest);
  return reply(`:chart_with_upwards_trend: Batch #${r.batchId}${from}: ${batchLine(r)}.`, digest);
}

/** The digest posted by its timer when the interval passed and no batch came to carry it. */
export function digestReply(d: Digest, latest: DriftReport | null, latestAlerting: boolean): { text: string; blocks: Block[] } {
  const tail = latest ? ` The latest, batch #${latest.batchId}: ${latestAlerting ? batchLine(latest) : `back under thresholds (${batchLine(latest)})`}.` : '';
  return reply(`:bar_chart: ${digestText(d)}.${tail}`, null);
}

export function escalationReply(ownerId: string, minutes: number): { text: string; blocks: Block[] } {
  return reply(`:rotating_light: ${mention(ownerId)} nobody has acknowledged this drift alert in ${plural(minutes, 'minute')}. Please take a look, or acknowledge it for your team.`, null);
}

export function snoozedReply(userId: string, until: Date): { text: string; blocks: Block[] } {
  return reply(`:zzz: ${mention(userId)} snoozed this alert until ${slackDate(until)}. Batches until then are counted, not posted.`, null);
}

export function snoozeEndedReply(d: Digest | null): { text: string; blocks: Block[] } {
  const counted = d ? `While it was snoozed: ${plural(d.batches, 'batch', 'batches')}, ${d.drifted} drifted.` : 'No batch arrived while it was snoozed.';
  return reply(`:alarm_clock: The snooze is over; batches are posted here again. ${counted}`, null);
}

export function resolvedReply(userId: string, d: Digest | null): { text: string; blocks: Block[] } {
  return reply(`:white_check_mark: ${mention(userId)} resolved this alert. Drift from now on opens a new one.`, d);
}

export function chartTitle(slug: string, columns: number): string {
  return `${slug}: reference vs current distribution of the ${columns === 1 ? 'drifted column' : `${columns} most drifted columns`}`;
}

/** What the person who clicked is told (only they see it). */
export function actionConfirmation(
  action: AlertAction,
  result: { kind: 'changed' | 'unchanged' | 'refused'; status: IncidentStatus; changedBy: string | null; snoozedUntil: Date | null },
): string {
  if (result.kind === 'refused') return `This alert was already resolved by ${who(result.changedBy)}; new drift opens a new alert.`;
  if (result.kind === 'unchanged') {
    return result.status === 'snoozed'
      ? `This alert is snoozed until ${slackDate(result.snoozedUntil ?? new Date(0))}, which acknowledges it already.`
      : `This alert was already acknowledged by ${who(result.changedBy)}.`;
  }
  switch (action) {
    case 'acknowledge':
      return 'You acknowledged this alert: the owner will not be called about it.';
    case 'snooze':
      return `Snoozed until ${slackDate(result.snoozedUntil ?? new Date(0))}: no replies in the thread until then (batches are counted), and the owner is not called.`;
    case 'resolve':
      return 'You resolved this alert. If the data drifts again, a new alert opens.';
  }
}

/** An open incident, as `/mlops status`, the App Home and `/mlops drift` list it. */
export interface OpenAlertView {
  slug: string;
  channelId: string;
  rootTs: string | null;
  status: IncidentStatus;
  severity: Severity;
  openedAt: Date;
  changedBy: string | null;
  snoozedUntil: Date | null;
  /** The root message's link from chat.getPermalink, where it is known (the App Home). */
  permalink?: string | null;
}

export function openAlertLine(a: OpenAlertView, withSlug: boolean): string {
  const state =
    a.status === 'open'
      ? 'not acknowledged'
      : a.status === 'snoozed'
        ? `snoozed until ${slackDate(a.snoozedUntil ?? a.openedAt)}`
        : `acknowledged by ${who(a.changedBy)}`;
  const where = a.permalink ? `<${a.permalink}|open the thread>` : a.rootTs ? messageLink(a.channelId, a.rootTs, 'open the thread') : `in <#${a.channelId}>`;
  return `${SEVERITY_EMOJI[a.severity]} ${withSlug ? `*${esc(a.slug)}* ` : ''}${a.severity} drift alert since ${slackDate(a.openedAt, '{date_short_pretty} {time}')}, ${state} — ${where}`;
}

/** The App Home's list of open alerts of the person's projects, as lines: a title, then one line an alert (the first 15). */
export function homeAlertLines(alerts: OpenAlertView[]): string[] {
  if (alerts.length === 0) return ['*Open drift alerts*\nNo open alerts on your projects.'];
  const lines = ['*Open drift alerts*', ...alerts.slice(0, 15).map((a) => `• ${openAlertLine(a, true)}`)];
  if (alerts.length > 15) lines.push(`…and ${alerts.length - 15} more.`);
  return lines;
}

/** What a project section says about drift (status, gate evidence, check-in signals). */
export interface DriftSectionData {
  purpose: 'status' | 'gate' | 'viability';
  slug: string;
  open: OpenAlertView[];
  latest: DriftReport | null;
  hasReference: boolean;
}

export function driftSectionBlocks(d: DriftSectionData): Block[] {
  if (!d.latest && d.open.length === 0) {
    if (d.purpose !== 'status') return [];
    return [context(d.hasReference ? `Drift: a reference sample is stored; no batch yet.` : `Drift monitoring: no data yet. Send a reference sample and batches through the API; \`/mlops drift ${esc(d.slug)}\` shows the status.`)];
  }
  const lines: string[] = [];
  if (d.open.length === 0) lines.push(':large_green_circle: No open drift alert.');
  else lines.push(...d.open.map((a) => openAlertLine(a, false)));
  if (d.latest) lines.push(`Latest batch #${d.latest.batchId} (${slackDate(new Date(d.latest.observedAt), '{date_short_pretty}')}): ${batchLine(d.latest)}`);
  return [section(`*Drift*\n${lines.map((l) => `• ${l}`).join('\n')}`)];
}

/** The thresholds `/mlops drift` shows. */
export interface DriftConfigView {
  settings: DriftSettings;
  alertChannelId: string;
  ackTimeoutMinutes: number;
  replyIntervalMinutes: number;
}

function overrideText(o: DriftSettings['columns'][string]): string {
  const parts = [o.test ? `test ${o.test}` : 'default test', o.threshold !== undefined ? `threshold ${num(o.threshold)}` : 'default threshold'];
  if (o.kind) parts.push(o.kind);
  return parts.join(', ');
}

export function thresholdLines(c: DriftConfigView): string[] {
  const s = c.settings;
  const lines = [
    `Dataset drift when at least ${pct(s.driftShare)} of the columns drift.`,
    `Columns drift below p = ${num(s.pValueThreshold)} (KS, chi-square, z-test) or from a distance of ${num(s.distanceThreshold)} (Wasserstein, Jensen–Shannon, PSI); the test is chosen per column unless set.`,
  ];
  const overrides = Object.entries(s.columns);
  const all = s.columns['*'];
  if (all) lines.push(`Every column without its own setting: ${overrideText(all)}.`);
  const named = overrides.filter(([name]) => name !== '*');
  if (named.length) lines.push(`Per column: ${named.slice(0, 30).map(([name, o]) => `${code(name)} ${overrideText(o)}`).join('; ')}${named.length > 30 ? `; and ${named.length - 30} more` : ''}.`);
  lines.push(`Alerts go to <#${c.alertChannelId}>; the owner is called after ${plural(c.ackTimeoutMinutes, 'minute')} without acknowledgement; at most one batch reply per alert every ${plural(c.replyIntervalMinutes, 'minute')}.`);
  return lines;
}

export interface DriftStatusData {
  slug: string;
  config: DriftConfigView;
  reference: { rows: number; createdAt: Date; columns: number } | null;
  latest: DriftReport | null;
  open: OpenAlertView[];
}

/** `/mlops drift <slug>`: each column of the latest batch, the open alert, the thresholds in force. */
export function driftStatusMessage(d: DriftStatusData): { text: string; blocks: Block[] } {
  const blocks: Block[] = [header(`Drift — ${d.slug}`)];
  if (!d.reference) blocks.push(section(`No reference sample yet. Send one with \`POST /api/v1/projects/${esc(d.slug)}/reference\`, then batches to \`…/observations\`.`));
  else blocks.push(context(`Reference: ${plural(d.reference.rows, 'row')}, ${plural(d.reference.columns, 'column')}, stored ${slackDate(d.reference.createdAt)}.`));
  const r = d.latest;
  if (r) {
    blocks.push(section(`*Latest batch* #${r.batchId} · ${plural(r.rows, 'row')} · observed ${slackDate(new Date(r.observedAt))}\n${driftSummary(r)}`));
    const cols = [...r.columns];
    const lines = cols.slice(0, MAX_STATUS_COLUMNS).map(columnLine);
    if (cols.length > MAX_STATUS_COLUMNS) lines.push(`…and ${cols.length - MAX_STATUS_COLUMNS} more columns.`);
    blocks.push(...sectionsOfLines(lines).slice(0, 30));
    if (r.performance.length) blocks.push(section(`*Performance*\n${r.performance.map(performanceLine).join('\n')}`));
  } else if (d.reference) {
    blocks.push(section('No batch of current data yet.'));
  }
  blocks.push(section(`*Open alert*\n${d.open.length ? d.open.map((a) => openAlertLine(a, false)).join('\n') : 'None.'}`));
  blocks.push(section(`*Thresholds in force*\n${thresholdLines(d.config).map((l) => `• ${l}`).join('\n')}`));
  blocks.push(context(`\`/mlops drift ${esc(d.slug)} set <column|*> test=ks threshold=0.01\` · \`set * share=0.4\` · \`/mlops drift ${esc(d.slug)} channel #alerts\` (owner)`));
  const text = safeFallback(`Drift of ${d.slug}: ${r ? `batch #${r.batchId}, ${r.nDrifted} of ${r.nEvaluated} columns drifted` : 'no batch yet'}; ${d.open.length ? `${d.open.length} open alert` : 'no open alert'}.`);
  return { text, blocks };
}

/** The owner's answer to `/mlops drift <slug> set …`: what changed, then every threshold in force. */
export function settingsChangedText(d: { slug: string; change: { target: string; values: Record<string, string>; reset: boolean }; notes: string[]; config: DriftConfigView }): string {
  const target = d.change.target === '*' ? 'every column (*)' : `column ${code(d.change.target)}`;
  const pairs = Object.entries(d.change.values).map(([k, v]) => `${esc(k)}=${esc(clip(v, 40))}`);
  const what = [...(d.change.reset ? ['reset'] : []), ...pairs].join(' ');
  const notes = d.notes.length ? ` (${d.notes.join('; ')})` : '';
  return `Drift settings of *${esc(d.slug)}* changed for ${target}: ${what}${notes}. They apply from the next batch.\n${thresholdLines(d.config).map((l) => `• ${l}`).join('\n')}`;
}

export function alertChannelText(slug: string, channelId: string, home: boolean): string {
  return `New drift alerts of *${esc(slug)}* go to <#${channelId}>${home ? ' (its own channel)' : ''}. An alert already open stays in its thread. The app must be a member of the channel (\`/invite @mlops\`).`;
}
