import { describe, expect, it } from 'vitest';
import { viewErrors } from '../../src/sandbox/emulator/block-limits.js';
import type { OpenAlertView } from '../../src/messages/drift.js';
import { HOME_LIMITS, homeNoticeModal, homeView, metricText } from '../../src/messages/home.js';
import type { CheckinAwaitingAnswer, GateAwaitingVote, HomeProject } from '../../src/messages/models.js';

const json = (v: unknown) => JSON.stringify(v);
const deadline = new Date('2026-03-02T10:00:00Z');
const longQuestion = `Is it ready? ${'Really & truly <ready> '.repeat(21)}`.slice(0, 500);

const project = (i: number): HomeProject => ({
  slug: `project-${String(i).padStart(3, '0')}-${'x'.repeat(40)}`,
  phase: 'development',
  ownerId: i % 2 ? 'U1' : 'U2',
  channelId: `C${i}`,
  primary: { name: 'roc_auc_weighted', direction: 'maximize', target: 0.9, best: 0.8534 + i / 1000, met: false },
});
const gate = (i: number): GateAwaitingVote => ({
  gateId: i,
  slug: `gate-project-${i}`,
  fromPhase: 'development',
  toPhase: 'deployment',
  question: longQuestion,
  channelId: 'C0GATES',
  deadline,
  anonymous: i % 2 === 0,
  permalink: `https://acme.slack.com/archives/C0GATES/p17000000${String(i).padStart(6, '0')}`,
});
const checkin = (i: number): CheckinAwaitingAnswer => ({ checkinId: i, slug: `pulse-${i}`, channelId: 'C0PULSE', closesAt: deadline, permalink: i % 2 ? null : `https://acme.slack.com/archives/C0PULSE/p17000000${i}` });
const alert = (i: number): OpenAlertView => ({
  slug: `drift-${i}-${'y'.repeat(40)}`,
  channelId: 'C0ALERTS',
  rootTs: `1700000000.${String(i).padStart(6, '0')}`,
  status: 'snoozed',
  severity: 'critical',
  openedAt: deadline,
  changedBy: 'U0ANA',
  snoozedUntil: deadline,
  permalink: `https://acme.slack.com/archives/C0ALERTS/p1700000000${String(i).padStart(6, '0')}`,
});

describe('App Home view', () => {
  it('a gate awaiting the vote carries the gate message’s own buttons and a link to it', () => {
    const v = homeView({ userId: 'U1', projects: [], awaitingVote: { items: [gate(7)], total: 1 } });
    const row = v.blocks.find((b) => b.block_id === 'home-gate-7') as { elements: { text: { text: string }; action_id: string; value: string; style?: string }[] };
    expect(row.elements.map((e) => [e.text.text, e.action_id, e.value, e.style])).toEqual([
      ['Go', 'gate.vote.go', '7', 'primary'],
      ['No-go', 'gate.vote.no_go', '7', 'danger'],
      ['Abstain', 'gate.vote.abstain', '7', undefined],
    ]);
    expect(json(v.blocks)).toContain('<https://acme.slack.com/archives/C0GATES/p17000000000007|open the gate message>');
    // What a person typed is escaped.
    expect(json(v.blocks)).toContain('Really &amp; truly &lt;ready&gt;');
  });

  it('the best value of the primary success metric against its target, met or not, in the app’s number format', () => {
    expect(metricText({ name: 'auc', direction: 'maximize', target: 0.9, best: 0.91234, met: true })).toBe(':white_check_mark: *auc* best 0.9123 vs target ≥ 0.9 — met');
    expect(metricText({ name: 'latency_ms', direction: 'minimize', target: 50, best: 1234.6, met: false })).toBe(':x: *latency_ms* best 1.235k vs target ≤ 50 — not met');
    expect(metricText({ name: 'auc', direction: 'maximize', target: 0.9, best: null, met: null })).toBe(':heavy_minus_sign: *auc*: no run reports it yet (target ≥ 0.9)');
    expect(metricText(null)).toBe('no success metric in the design brief yet');
  });

  it('stays within Slack’s limits however much there is, and says how much more there is', () => {
    const v = homeView({
      userId: 'U1',
      projects: Array.from({ length: 60 }, (_, i) => project(i)),
      awaitingVote: { items: Array.from({ length: HOME_LIMITS.gates + 5 }, (_, i) => gate(i + 1)), total: 40 },
      voted: Array.from({ length: 30 }, (_, i) => ({ ...gate(100 + i), vote: 'no_go' as const })),
      checkins: { items: Array.from({ length: HOME_LIMITS.checkins }, (_, i) => checkin(i + 1)), total: 9 },
      openAlerts: Array.from({ length: 40 }, (_, i) => alert(i)),
    });
    expect(viewErrors(v)).toEqual([]);
    expect(v.blocks.length).toBeLessThanOrEqual(100);
    const t = json(v.blocks);
    expect(t).toContain('…and 35 more projects.');
    expect(t).toContain(`…and ${40 - HOME_LIMITS.gates} more gates awaiting your vote`);
    expect(t).toContain(`…and ${30 - HOME_LIMITS.voted} more open gates you voted on.`);
    expect(t).toContain('…and 4 more check-ins waiting for your answer.');
    expect(t).toContain('…and 25 more.');
    expect(v.blocks.filter((b) => b.type === 'actions')).toHaveLength(HOME_LIMITS.gates + HOME_LIMITS.checkins);
    // Block ids are unique in a view.
    const ids = v.blocks.flatMap((b) => (b.block_id ? [b.block_id] : []));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a refusal from Home is shown in a small modal', () => {
    const m = homeNoticeModal(':no_entry_sign: You are not an eligible voter on this gate.');
    expect(viewErrors(m)).toEqual([]);
    expect(json(m.blocks)).toContain('You are not an eligible voter on this gate.');
  });
});
