import { describe, expect, it } from 'vitest';
import { evaluateDataset } from '../../src/domain/drift/evaluate.js';
import type { DriftReport } from '../../src/domain/drift/report.js';
import { DriftSettings } from '../../src/domain/drift/settings.js';
import type { Block } from '../../src/messages/blocks.js';
import {
  actionConfirmation,
  batchReply,
  digestReply,
  digestText,
  driftSectionBlocks,
  driftStatusMessage,
  escalationReply,
  incidentMessage,
  type IncidentView,
  type OpenAlertView,
  settingsChangedText,
} from '../../src/messages/drift.js';
import { homeView } from '../../src/messages/home.js';
import { DRIFT_BLOCKS, parseDriftAction } from '../../src/messages/ids/drift.js';
import { blockErrors, viewErrors } from '../../src/sandbox/emulator/block-limits.js';
import { evaluate, sample, weakAuc } from '../helpers/drift.js';

type Button = { type: string; text: { text: string }; action_id: string; value?: string };
const buttons = (blocks: Block[]): Button[] => blocks.flatMap((b) => (((b as { elements?: unknown }).elements as Button[] | undefined) ?? []).filter((e) => e.type === 'button'));
const json = (x: unknown) => JSON.stringify(x);
const stateOf = (blocks: Block[]) => ((blocks.find((b) => b.block_id === DRIFT_BLOCKS.state) as { text: { text: string } } | undefined)?.text.text ?? '');

const T = new Date('2030-05-01T10:00:00Z');
const drifted = { ...evaluate(sample(2, 300, { amount: 0.8 }), { observedAt: T }), batchId: 41 };
const view = (v: Partial<IncidentView> = {}): IncidentView => ({
  incidentId: 7,
  slug: 'churn-model',
  ownerId: 'U0OWNER',
  status: 'open',
  severity: 'critical',
  openedAt: T,
  changedBy: null,
  changedAt: null,
  snoozedUntil: null,
  escalatedAt: null,
  resolvedAt: null,
  ackTimeoutMinutes: 30,
  report: drifted,
  ...v,
});

/** A report with many columns whose names try to ping the channel, all drifted. */
function hostileReport(n: number): DriftReport {
  const columns = Object.fromEntries(
    Array.from({ length: n }, (_, i) => [`<!channel> col_${i} ${'x'.repeat(i % 3 ? 10 : 200)}`, { reference: Float64Array.from({ length: 100 }, (_, k) => k), current: Float64Array.from({ length: 100 }, (_, k) => k + 40 + i) }]),
  );
  return { ...evaluateDataset(columns), batchId: 9, rows: 100, observedAt: T.toISOString(), performance: [], performanceAlert: false };
}

describe('the incident root message', () => {
  it('says what drifted — test and score per column against its threshold — the dataset share and the severity', () => {
    const m = incidentMessage(view());
    expect(m.text).toBe('Drift alert (critical) for churn-model: 4 of 4 columns drifted — open');
    const t = json(m.blocks);
    expect(t).toContain('Drift alert — churn-model');
    expect(t).toContain(':red_circle: *Critical* — 4 of 4 columns drifted — *dataset drift* (share 100% ≥ 50%)');
    expect(t).toMatch(/• `age` — KS p-value [\d.e-]+ < 0\.05 · PSI [\d.]+/);
    expect(t).toMatch(/• `plan` — chi-square p-value [\d.e-]+ < 0\.05/);
    expect(t).toContain('Batch #41 · 300 rows · observed <!date^');
    expect(blockErrors(m.blocks, 'message')).toEqual([]);
  });

  it('carries the buttons of its state, each with the incident id, and none once resolved', () => {
    const labels = (v: Partial<IncidentView>) => buttons(incidentMessage(view(v)).blocks).map((b) => b.text.text);
    expect(labels({})).toEqual(['Acknowledge', 'Snooze 24h', 'Resolve']);
    expect(buttons(incidentMessage(view()).blocks).map((b) => [parseDriftAction(b.action_id), b.value])).toEqual([
      ['acknowledge', '7'],
      ['snooze', '7'],
      ['resolve', '7'],
    ]);
    expect(labels({ status: 'acknowledged', changedBy: 'U0ANA', changedAt: T })).toEqual(['Snooze 24h', 'Resolve']);
    expect(labels({ status: 'snoozed', changedBy: 'U0ANA', changedAt: T, snoozedUntil: T })).toEqual(['Snooze 24h', 'Resolve']);
    expect(labels({ status: 'resolved', changedBy: 'U0ANA', resolvedAt: T })).toEqual([]);
  });

  it('shows the state and who changed it', () => {
    expect(stateOf(incidentMessage(view()).blocks)).toContain('<@U0OWNER> is called if nobody acknowledges it by <!date^');
    expect(stateOf(incidentMessage(view({ escalatedAt: T })).blocks)).toContain('escalated to <@U0OWNER>');
    expect(stateOf(incidentMessage(view({ status: 'acknowledged', changedBy: 'U0ANA', changedAt: T })).blocks)).toMatch(/^:eyes: \*Acknowledged\* by <@U0ANA> <!date\^/);
    const later = new Date(T.getTime() + 86_400_000);
    expect(stateOf(incidentMessage(view({ status: 'snoozed', changedBy: 'U0BEN', changedAt: T, snoozedUntil: later })).blocks)).toContain('*Snoozed* by <@U0BEN> until <!date^');
    expect(stateOf(incidentMessage(view({ status: 'acknowledged', changedBy: 'U0BEN', changedAt: later, snoozedUntil: later })).blocks)).toContain('snoozed by <@U0BEN>, the snooze ended');
    expect(stateOf(incidentMessage(view({ status: 'resolved', changedBy: 'U0ANA', resolvedAt: T })).blocks)).toMatch(/^:white_check_mark: \*Resolved\* by <@U0ANA>/);
  });

  it('names a missed success metric', () => {
    const perf = { ...evaluate(sample(20, 300), { performance: [weakAuc(5)] }), batchId: 3 };
    const m = incidentMessage(view({ report: perf }));
    expect(m.text).toContain('a success metric misses its target');
    expect(json(m.blocks)).toMatch(/:x: `auc` 0\.67\d* misses its target ≥ 0\.85/);
  });

  it('stays within Block Kit limits with hundreds of long column names, and escapes them in the blocks and the fallback', () => {
    const r = hostileReport(120);
    expect(r.nDrifted).toBe(120);
    const m = incidentMessage(view({ report: r }));
    expect(blockErrors(m.blocks, 'message')).toEqual([]);
    expect(json(m.blocks)).not.toContain('<!channel>');
    expect(json(m.blocks)).toContain('&lt;!channel&gt; col_');
    expect(json(m.blocks)).toContain('…and 105 more drifted columns.');
    expect(m.text).not.toContain('<!channel>');
  });

  it('still renders when the batch that opened it is gone', () => {
    const m = incidentMessage(view({ report: null }));
    expect(json(m.blocks)).toContain('no longer stored');
    expect(blockErrors(m.blocks, 'message')).toEqual([]);
  });
});

describe('thread lines', () => {
  it('a drifted batch in one line, with the digest of what it skipped', () => {
    const r = { ...evaluate(sample(3, 300, { amount: 0.8, only: ['age'] })), batchId: 12 };
    const m = batchReply(r, true, { batches: 12, drifted: 9 });
    expect(m.text).toBe(':chart_with_upwards_trend: Batch #12: 1 of 4 columns drifted (`age`). (+12 batches since the last update, 9 drifted)');
    expect(blockErrors(m.blocks, 'message')).toEqual([]);
  });
  it('a batch back under thresholds says so', () => {
    const r = { ...evaluate(sample(4, 300)), batchId: 13 };
    expect(batchReply(r, false, null).text).toBe(':white_check_mark: Batch #13 is back under thresholds: none of 4 columns drifted.');
  });
  it('the digest on its own, with the latest batch', () => {
    expect(digestText({ batches: 1, drifted: 0 })).toBe('+1 batch since the last update, 0 drifted');
    expect(digestReply({ batches: 12, drifted: 9 }, { ...evaluate(sample(4, 300)), batchId: 30 }, false).text).toBe(
      ':bar_chart: +12 batches since the last update, 9 drifted. The latest, batch #30: back under thresholds (none of 4 columns drifted).',
    );
  });
  it('the escalation mentions the owner, in the blocks and in the notification text', () => {
    const m = escalationReply('U0OWNER', 30);
    expect(m.text).toContain('<@U0OWNER> nobody has acknowledged this drift alert in 30 minutes');
    expect(json(m.blocks)).toContain('<@U0OWNER>');
  });
  it('a one-line reply names at most four columns, escaped', () => {
    const m = batchReply(hostileReport(10), true, null);
    expect(m.text).toContain('and 6 more');
    expect(m.text).not.toContain('<!channel>');
    expect(blockErrors(m.blocks, 'message')).toEqual([]);
  });
});

describe('confirmations', () => {
  it('tell the person what happened, or why nothing did', () => {
    const c = (kind: 'changed' | 'unchanged' | 'refused', status: 'open' | 'acknowledged' | 'snoozed' | 'resolved') => ({ kind, status, changedBy: 'U0ANA', snoozedUntil: T });
    expect(actionConfirmation('acknowledge', c('changed', 'acknowledged'))).toContain('You acknowledged this alert');
    expect(actionConfirmation('acknowledge', c('unchanged', 'acknowledged'))).toBe('This alert was already acknowledged by <@U0ANA>.');
    expect(actionConfirmation('acknowledge', c('unchanged', 'snoozed'))).toContain('snoozed until');
    expect(actionConfirmation('snooze', c('changed', 'snoozed'))).toContain('Snoozed until <!date^');
    expect(actionConfirmation('resolve', c('refused', 'resolved'))).toContain('already resolved by <@U0ANA>');
  });
});

const alert: OpenAlertView = { slug: 'churn-model', channelId: 'C0CHURN', rootTs: '1700000000.000100', status: 'open', severity: 'critical', openedAt: T, changedBy: null, snoozedUntil: null };

describe('/mlops drift and the other surfaces', () => {
  const config = { settings: DriftSettings.parse({ columns: { age: { test: 'ks', threshold: 0.01 }, '*': { test: 'psi' } } }), alertChannelId: 'C0ALERTS', ackTimeoutMinutes: 30, replyIntervalMinutes: 15 };

  it('the status lists every column of the latest batch, the open alert with its link, the thresholds in force', () => {
    const m = driftStatusMessage({ slug: 'churn-model', config, reference: { rows: 400, createdAt: T, columns: 4 }, latest: drifted, open: [alert] });
    const t = json(m.blocks);
    expect(t).toMatch(/:red_circle: `age` — KS p-value/);
    expect(t).toContain('<https://slack.com/archives/C0CHURN/p1700000000000100|open the thread>');
    expect(t).toContain('Per column: `age` test ks, threshold 0.01.');
    expect(t).toContain('Every column without its own setting: test psi, default threshold.');
    expect(t).toContain('Alerts go to <#C0ALERTS>');
    expect(blockErrors(m.blocks, 'message')).toEqual([]);
  });

  it('the status stays within limits with hundreds of columns', () => {
    const m = driftStatusMessage({ slug: 'churn-model', config, reference: null, latest: hostileReport(300), open: [] });
    expect(blockErrors(m.blocks, 'message')).toEqual([]);
    expect(json(m.blocks)).toContain('…and 240 more columns.');
    expect(json(m.blocks)).not.toContain('<!channel>');
  });

  it('before any data, says how to send it', () => {
    const m = driftStatusMessage({ slug: 'churn-model', config, reference: null, latest: null, open: [] });
    expect(json(m.blocks)).toContain('No reference sample yet');
  });

  it('project sections: the open alert and the latest batch; nothing in gates and check-ins before any data', () => {
    const status = json(driftSectionBlocks({ purpose: 'status', slug: 'churn-model', open: [alert], latest: drifted, hasReference: true }));
    expect(status).toContain('*Drift*');
    expect(status).toContain('critical drift alert since');
    expect(status).toContain('Latest batch #41');
    expect(driftSectionBlocks({ purpose: 'viability', slug: 'x', open: [], latest: null, hasReference: false })).toEqual([]);
    expect(json(driftSectionBlocks({ purpose: 'status', slug: 'x', open: [], latest: null, hasReference: false }))).toContain('no data yet');
  });

  it('the App Home lists open alerts of the person’s projects', () => {
    const home = homeView({ userId: 'U0OWNER', projects: [], openAlerts: [alert, { ...alert, slug: 'ads', status: 'acknowledged', changedBy: 'U0ANA', rootTs: null }] });
    const t = json(home.blocks);
    expect(t).toContain('*Open drift alerts*');
    expect(t).toContain('*churn-model* critical drift alert since');
    expect(t).toContain('acknowledged by <@U0ANA> — in <#C0CHURN>');
    expect(viewErrors(home)).toEqual([]);
    expect(json(homeView({ userId: 'U0OWNER', projects: [] }).blocks)).toContain('No open alerts on your projects.');
  });

  it('the owner’s answer to a settings change', () => {
    const t = settingsChangedText({ slug: 'churn-model', change: { target: 'age', values: { test: 'ks', threshold: '0.01' }, reset: false }, notes: [], config });
    expect(t).toContain('Drift settings of *churn-model* changed for column `age`: test=ks threshold=0.01. They apply from the next batch.');
  });
});
