import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditForProject } from '../../src/db/repositories/audit.js';
import type { ProjectRow } from '../../src/db/repositories/projects.js';
import { driftIncidents, driftSettings, outbox, timers } from '../../src/db/schema/index.js';
import type { DriftReport } from '../../src/domain/drift/report.js';
import type { StoredMessage } from '../../src/sandbox/emulator/store.js';
import { raiseDriftAlert } from '../../src/services/drift/alerts/raise.js';
import { renderSections } from '../../src/services/projects/sections.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { evaluate, sample, storeBatch, storeReference, weakAuc } from '../helpers/drift.js';
import { blockTexts, buttonLabels, ephemeralsFor, makeProject, OWNER, settle } from '../helpers/gates.js';
import { bootApp, type Harness } from '../helpers/harness.js';

const [ANA, BEN, MAL] = ['U0ANA', 'U0BEN', 'U0MAL'];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Reports computed by the real statistics on generated data; each asserts the verdict it stands for. */
function critical(seed: number): DriftReport {
  const r = evaluate(sample(seed, 300, { amount: 0.8 }));
  expect(r.datasetDrift).toBe(true);
  return r;
}
function warning(seed: number): DriftReport {
  const r = evaluate(sample(seed, 300, { amount: 0.8, only: ['age'] }));
  expect([r.nDrifted, r.datasetDrift]).toEqual([1, false]);
  return r;
}
function clean(seed: number): DriftReport {
  const r = evaluate(sample(seed, 300));
  expect(r.nDrifted).toBe(0);
  return r;
}

describe.each(databaseKinds())('drift alert threads through the Slack emulator (%s)', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootApp(kind);
  });
  afterAll(async () => h?.close());

  const monitored = async (slug: string, channel: string) => {
    const project = await makeProject(h, slug, { stakeholders: [ANA], channel });
    const referenceId = await storeReference(h, project);
    return { project, referenceId };
  };
  /** What the ingestion does for a batch: store it, then call the alert seam after the commit. */
  const raise = async (m: { project: ProjectRow; referenceId: number }, report: DriftReport) => {
    const stored = await storeBatch(h, m.project, m.referenceId, report);
    await raiseDriftAlert(h.app.deps, { project: m.project, report: stored });
    return stored;
  };
  const at = (t0: number, ms: number) => h.clock.set(new Date(t0 + ms));
  const tick = () => h.app.jobs.tick(h.clock.now());
  const roots = (channel: string) => h.slack.store.channelMessages(channel).filter((m) => m.text.startsWith('Drift alert'));
  const thread = (m: StoredMessage) => h.slack.store.threadReplies(m.channel, m.ts);
  const lines = (m: StoredMessage) => thread(m).filter((r) => !r.files?.length).map((r) => r.text);
  const stateText = (m: StoredMessage) => ((m.blocks ?? []).find((b) => b.block_id === 'drift_state') as { text: { text: string } } | undefined)?.text.text ?? '';
  const click = async (user: string, m: StoredMessage, label: string) => {
    const before = ephemeralsFor(h, user).length;
    const res = await h.people.click(user, m, label);
    expect(res.status).toBe(200);
    return waitFor(() => ephemeralsFor(h, user)[before], `${user}'s answer to ${label}`);
  };
  const command = async (user: string, channel: string, text: string) => {
    const res = await h.people.command(user, channel, text);
    expect(res.status).toBe(200);
    return res.body as { text: string; blocks?: unknown[] };
  };
  const incident = async (projectId: number) => (await h.database.db.select().from(driftIncidents).where(eq(driftIncidents.projectId, projectId))).sort((a, b) => a.id - b.id);

  it('one incident from first alert to resolution: throttled replies and digests, escalation, acknowledge, a Slack outage, snooze, resolve, then a new incident', async () => {
    const CH = 'C0CHURN';
    const m = await monitored('churn-model', CH);
    const t0 = h.clock.now().getTime();

    // The first drifted batch opens the thread: the root says what drifted and how badly; the chart goes in the thread.
    await raise(m, critical(2));
    await settle(h);
    const [root] = roots(CH);
    expect(root).toBeDefined();
    expect(root!.text).toMatch(/^Drift alert \(critical\) for churn-model: 4 of 4 columns drifted/);
    const rootText = blockTexts(root!);
    expect(rootText).toContain('*Critical*');
    expect(rootText).toContain('*dataset drift* (share 100% ≥ 50%)');
    expect(rootText).toMatch(/`age` — KS p-value [\d.e-]+ < 0.05 · PSI/);
    expect(rootText).toMatch(/`plan` — chi-square p-value [\d.e-]+ < 0.05/);
    expect(stateText(root!)).toContain('*Open*');
    expect(stateText(root!)).toContain('<@U0OWNER> is called if nobody acknowledges it');
    expect(buttonLabels(root!)).toEqual(['Acknowledge', 'Snooze 24h', 'Resolve']);
    const [chart] = thread(root!);
    expect(chart!.files).toHaveLength(1);
    expect(chart!.files![0]!.title).toBe('churn-model: reference vs current distribution of the 4 most drifted columns');
    expect(chart!.files![0]!.bytes!.subarray(1, 4).toString()).toBe('PNG');
    const uploads = await h.database.db.select().from(outbox).where(eq(outbox.method, 'files.upload'));
    expect(uploads.map((u) => u.status)).toEqual(['sent']);

    // A noisy monitor: three batches within the interval get no reply of their own...
    at(t0, 1 * MINUTE);
    await raise(m, warning(3));
    at(t0, 2 * MINUTE);
    await raise(m, clean(4));
    at(t0, 3 * MINUTE);
    const fourth = await raise(m, warning(5));
    await settle(h);
    expect(thread(root!)).toHaveLength(1);
    expect(roots(CH)).toHaveLength(1);
    // ...and when the interval has passed with no batch to carry them, the digest timer posts them.
    at(t0, 16 * MINUTE);
    await tick();
    await settle(h);
    expect(lines(root!)).toEqual([`:bar_chart: +3 batches since the last update, 2 drifted. The latest, batch #${fourth.batchId}: 1 of 4 columns drifted (\`age\`).`]);

    // Nobody acknowledged within 30 minutes: the owner is called in the thread, once; the digest of the next window follows.
    at(t0, 17 * MINUTE);
    await raise(m, warning(6));
    at(t0, 32 * MINUTE);
    await tick();
    await settle(h);
    expect(lines(root!).slice(1)).toEqual([
      expect.stringContaining('<@U0OWNER> nobody has acknowledged this drift alert in 30 minutes'),
      expect.stringContaining(':bar_chart: +1 batch since the last update, 1 drifted.'),
    ]);
    expect(stateText(root!)).toContain('escalated to <@U0OWNER>');
    at(t0, 40 * MINUTE);
    await tick();
    await settle(h);
    expect(lines(root!)).toHaveLength(3);

    // A batch after a full interval replies at once, carrying the digest of what it skipped; the digest timer then has nothing left.
    at(t0, 41 * MINUTE);
    await raise(m, clean(8));
    at(t0, 48 * MINUTE);
    const carrier = await raise(m, critical(9));
    at(t0, 50 * MINUTE);
    await tick();
    await settle(h);
    expect(lines(root!).slice(3)).toEqual([expect.stringMatching(new RegExp(`^:chart_with_upwards_trend: Batch #${carrier.batchId}: 4 of 4 columns drifted \\((\`[a-z]+\`(, )?){4}\\) · dataset drift, share 100%\\. \\(\\+1 batch since the last update, 0 drifted\\)$`))]);

    // Someone outside the alert's channel, or with a copy of its buttons elsewhere, is refused; nothing changes.
    expect(await click(MAL, { ...root!, channel: 'C0ELSEWHERE' }, 'Resolve')).toContain('members of <#C0CHURN>');
    expect(await click(MAL, { ...root!, ts: '1000000000.000001' }, 'Acknowledge')).toContain('members of <#C0CHURN>');
    expect((await incident(m.project.id))[0]!.status).toBe('open');

    // Acknowledge: the root shows who, and loses the button.
    expect(await click(ANA, root!, 'Acknowledge')).toContain('You acknowledged this alert');
    await settle(h);
    expect(stateText(root!)).toMatch(/^:eyes: \*Acknowledged\* by <@U0ANA>/);
    expect(buttonLabels(root!)).toEqual(['Snooze 24h', 'Resolve']);
    expect(await click(BEN, root!, 'Snooze 24h').then(() => 'ok')).toBe('ok');
    await settle(h);
    expect(stateText(root!)).toContain('*Snoozed* by <@U0BEN> until');
    expect(lines(root!).at(-1)).toContain('<@U0BEN> snoozed this alert until');
    const beforeOutage = lines(root!).length;

    // While snoozed, batches are counted, never posted, whatever the interval.
    at(t0, 70 * MINUTE);
    await raise(m, critical(10));
    at(t0, 100 * MINUTE);
    await raise(m, clean(11));
    at(t0, 130 * MINUTE);
    await raise(m, warning(12));
    await tick();
    await settle(h);
    expect(lines(root!)).toHaveLength(beforeOutage);

    // The snooze ends during a Slack outage (500s, then rate limits). Its line, and the batch reply
    // queued behind it in the same thread, each reach the thread exactly once, in order, once Slack is back.
    h.slack.injectFault({ method: 'chat.postMessage', times: 4, status: 500 });
    h.slack.injectFault({ method: 'chat.postMessage', times: 2, status: 429, retryAfter: 2 });
    const snoozeEnd = t0 + 50 * MINUTE + 24 * HOUR + MINUTE;
    h.clock.set(new Date(snoozeEnd));
    await tick();
    expect(lines(root!)).toHaveLength(beforeOutage);
    // Right after the snooze's line: counted, not posted.
    await raise(m, critical(13));
    h.clock.set(new Date(snoozeEnd + 16 * MINUTE));
    const later = await raise(m, clean(14));
    for (let i = 0; i < 40; i++) {
      h.clock.advance(1000);
      await tick();
    }
    expect(lines(root!).slice(beforeOutage)).toEqual([
      ':alarm_clock: The snooze is over; batches are posted here again. While it was snoozed: 3 batches, 2 drifted.',
      `:white_check_mark: Batch #${later.batchId} is back under thresholds: none of 4 columns drifted. (+1 batch since the last update, 1 drifted)`,
    ]);
    expect(stateText(root!)).toContain('*Acknowledged* — snoozed by <@U0BEN>, the snooze ended');
    expect(h.slack.store.callsTo('chat.postMessage').filter((c) => c.status !== 200)).toHaveLength(6);

    // Resolve: the root shows who, without buttons, for good; a stale click is told so.
    const stale = structuredClone(root!);
    expect(await click(ANA, root!, 'Resolve')).toContain('You resolved this alert');
    await settle(h);
    expect(stateText(root!)).toMatch(/^:white_check_mark: \*Resolved\* by <@U0ANA>/);
    expect(buttonLabels(root!)).toEqual([]);
    expect(lines(root!).at(-1)).toContain('<@U0ANA> resolved this alert');
    const updatesAfterResolve = h.slack.store.callsTo('chat.update').length;
    expect(await click(BEN, stale, 'Snooze 24h')).toContain('already resolved by <@U0ANA>');
    await settle(h);
    expect(buttonLabels(root!)).toEqual([]);
    expect(h.slack.store.callsTo('chat.update').slice(updatesAfterResolve).every((c) => !JSON.stringify(c.args.blocks ?? '').includes('"type":"button"'))).toBe(true);

    // The whole thread, counted: nothing lost, nothing doubled.
    expect(thread(root!).filter((r) => r.files?.length)).toHaveLength(1);
    expect(lines(root!).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      ':bar_chart: +3',
      ':rotating_light: <@U0OWNER>',
      ':bar_chart: +1',
      ':chart_with_upwards_trend: Batch',
      ':zzz: <@U0BEN>',
      ':alarm_clock: The',
      ':white_check_mark: Batch',
      ':white_check_mark: <@U0ANA>',
    ]);
    expect(new Set(thread(root!).map((r) => r.ts)).size).toBe(9);

    // Drift after the resolution opens a new incident, with its own root and chart — even when the upload fails at first.
    h.slack.injectFault({ method: 'files.completeUploadExternal', times: 2, status: 500 });
    h.clock.set(new Date(snoozeEnd + 40 * MINUTE));
    await raise(m, warning(15));
    for (let i = 0; i < 10; i++) {
      h.clock.advance(1000);
      await tick();
    }
    expect(roots(CH)).toHaveLength(2);
    const second = roots(CH)[1]!;
    expect(second.text).toMatch(/^Drift alert \(warning\) for churn-model: 1 of 4 columns drifted/);
    expect(thread(second).filter((r) => r.files?.length)).toHaveLength(1);
    expect(h.slack.store.callsTo('files.completeUploadExternal').map((c) => c.status)).toEqual([200, 500, 500, 200]);
    expect(thread(second).filter((r) => r.files?.length)[0]!.files![0]!.title).toContain('the drifted column');
    // Acknowledged in time: no escalation.
    await click(BEN, second, 'Acknowledge');
    h.clock.advance(31 * MINUTE);
    await tick();
    await settle(h);
    expect(lines(second)).toEqual([]);
    // A critical batch raises the incident's severity (never lowers it): the root says so.
    await raise(m, critical(16));
    await settle(h);
    expect(second.text).toMatch(/^Drift alert \(critical\) for churn-model: 1 of 4 columns drifted/);
    expect(lines(second)).toEqual([expect.stringContaining('4 of 4 columns drifted')]);
    const incidents = await incident(m.project.id);
    const [escalation] = await h.database.db.select().from(timers).where(and(eq(timers.kind, 'drift.escalate'), eq(timers.ref, String(incidents[1]!.id))));
    expect(escalation!.cancelledAt).not.toBeNull();

    expect(incidents.map((i) => i.status)).toEqual(['resolved', 'acknowledged']);
    const audit = (await auditForProject(h.database.db, h.slack.teamId, m.project.id)).filter((a) => a.action.startsWith('drift.'));
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ['drift.incident_opened', 'system'],
      ['drift.incident_escalated', 'system'],
      ['drift.incident_acknowledged', ANA],
      ['drift.incident_snoozed', BEN],
      ['drift.snooze_ended', 'system'],
      ['drift.incident_resolved', ANA],
      ['drift.incident_opened', 'system'],
      ['drift.incident_acknowledged', BEN],
      ['drift.severity_raised', 'system'],
    ]);
  });

  it('a performance alert (a success metric recomputed from labels misses its target) opens an incident that names the metric', async () => {
    const CH = 'C0PERF';
    const m = await monitored('perf-model', CH);
    const report = evaluate(sample(20, 300), { performance: [weakAuc(5)] });
    expect([report.nDrifted, report.performanceAlert]).toEqual([0, true]);
    await raise(m, report);
    await settle(h);
    const [root] = roots(CH);
    expect(root!.text).toContain('Drift alert (critical) for perf-model: a success metric misses its target');
    expect(blockTexts(root!)).toMatch(/:x: `auc` 0\.67\d* misses its target ≥ 0\.85/);
    // Nothing drifted: no chart.
    expect(thread(root!)).toEqual([]);
  });

  it('two drifted batches stored at the same moment open one incident: the second follows up in its thread', async () => {
    const CH = 'C0RACE';
    const m = await monitored('race-model', CH);
    const [a, b] = [await storeBatch(h, m.project, m.referenceId, critical(2)), await storeBatch(h, m.project, m.referenceId, warning(3))];
    await Promise.all([a, b].map((report) => raiseDriftAlert(h.app.deps, { project: m.project, report })));
    await settle(h);
    expect(roots(CH)).toHaveLength(1);
    const [only] = await incident(m.project.id);
    expect(only).toMatchObject({ status: 'open', skippedBatches: 1 });
    // Whichever batch won the race opened it; the other was folded in (the last batch seen is the newer one).
    expect([a.batchId, b.batchId]).toContain(only!.firstBatchId);
    expect(only!.lastBatchId).toBe(Math.max(a.batchId, b.batchId));
    // The same batch raised again is not counted twice.
    await raiseDriftAlert(h.app.deps, { project: m.project, report: b });
    expect((await incident(m.project.id))[0]!.skippedBatches).toBe(1);
  });

  it('/mlops drift: status for readers; tests, thresholds, share and the alert channel for the owner, with bad input refused and nothing written', async () => {
    const CH = 'C0FRAUD';
    const m = await monitored('fraud-model', CH);
    await raise(m, warning(3));
    await settle(h);

    const status = await command(BEN, CH, 'drift fraud-model');
    const statusText = JSON.stringify(status.blocks);
    expect(statusText).toMatch(/:red_circle: `age` — KS p-value [\d.e-]+ < 0.05 · PSI/);
    expect(statusText).toMatch(/:large_green_circle: `plan` — chi-square p-value [\d.e-]+ ≥ 0.05/);
    expect(statusText).toContain('warning drift alert since');
    expect(statusText).toMatch(/<https:\/\/slack.com\/archives\/C0FRAUD\/p\d+\|open the thread>/);
    expect(statusText).toContain('Dataset drift when at least 50% of the columns drift.');
    expect((await command(MAL, 'C0ELSEWHERE', 'drift fraud-model')).text).toContain('can be seen in its channel <#C0FRAUD>');

    const settings = async () => (await h.database.db.select().from(driftSettings).where(eq(driftSettings.projectId, m.project.id)))[0];
    const auditCount = async () => (await auditForProject(h.database.db, h.slack.teamId, m.project.id)).length;
    expect((await command(OWNER, 'C0ELSEWHERE', 'drift fraud-model set age test=ks threshold=0.01')).text).toContain('Drift settings of *fraud-model* changed for column `age`: test=ks threshold=0.01');
    expect((await command(OWNER, CH, 'drift fraud-model set * share=0.4 reply-interval=10')).text).toContain('Dataset drift when at least 40% of the columns drift.');
    expect((await command(OWNER, CH, 'drift fraud-model set * threshold=0.01')).text).toContain('With *, name the test the threshold is for');
    expect((await command(OWNER, CH, 'drift fraud-model set * test=psi threshold=0.2')).text).toContain('Every column without its own setting: test psi, threshold 0.2.');
    const before = await settings();
    expect(before).toMatchObject({ settings: { driftShare: 0.4, columns: { age: { test: 'ks', threshold: 0.01 }, '*': { test: 'psi', threshold: 0.2 } } }, replyIntervalMinutes: 10, updatedBy: OWNER });
    const audits = await auditCount();

    const refused = async (user: string, text: string, expected: string) => {
      const reply = await command(user, CH, text);
      expect(reply.text).toContain(expected);
      expect(await settings()).toEqual(before);
      expect(await auditCount()).toBe(audits);
    };
    await refused(OWNER, 'drift fraud-model set age test=anderson', 'Unknown test "anderson". Tests: ks, chisquare, z, wasserstein, jensenshannon, psi');
    await refused(OWNER, 'drift fraud-model set age test=ks threshold=5', 'ks reads a p-value; its threshold must be between 0 and 1.');
    await refused(OWNER, 'drift fraud-model set age threshold=-1', 'threshold must be above 0');
    await refused(OWNER, 'drift fraud-model set * share=1.5', 'share: ');
    await refused(OWNER, 'drift fraud-model set agee test=ks', 'has no column "agee". Its columns: age, income, plan, tenure.');
    await refused(OWNER, 'drift fraud-model set age colour=red', 'Unknown setting "colour"');
    await refused(OWNER, 'drift fraud-model set age', 'Nothing to set');
    await refused(ANA, 'drift fraud-model set age threshold=0.02', 'Only the owner of *fraud-model* (<@U0OWNER>) changes');
    await refused(ANA, 'drift fraud-model channel <#C0ALERTS|alerts>', 'Only the owner of *fraud-model*');
    await refused(OWNER, 'drift fraud-model channel alerts', 'Name the channel as #channel');

    // The alert channel: new alerts go there; the open one stays in its thread.
    expect((await command(OWNER, CH, 'drift fraud-model channel <#C0ALERTS|alerts>')).text).toContain('New drift alerts of *fraud-model* go to <#C0ALERTS>');
    // Alerts are handled where they are: typed in the home channel, that is not the alert's.
    expect((await command(OWNER, 'C0ALERTS', 'drift fraud-model resolve')).text).toContain('members of <#C0FRAUD>');
    expect((await command(BEN, CH, 'drift fraud-model resolve')).text).toContain('You resolved this alert');
    await raise(m, critical(2));
    await settle(h);
    expect(roots('C0ALERTS')).toHaveLength(1);
    expect(roots(CH)).toHaveLength(1);
    expect((await command(BEN, 'C0ALERTS', 'drift fraud-model ack')).text).toContain('You acknowledged this alert');
    expect((await command(BEN, 'C0ALERTS', 'drift fraud-model ack')).text).toContain('already acknowledged by <@U0BEN>');
  });

  it('open alerts in /mlops status, the App Home of the project’s people, and viability check-in signals', async () => {
    const CH = 'C0ADS';
    const m = await monitored('ads-model', CH);
    const none = JSON.stringify((await command(ANA, CH, 'status ads-model')).blocks);
    expect(none).toContain('Drift: a reference sample is stored; no batch yet.');
    await raise(m, critical(2));
    await settle(h);

    const status = JSON.stringify((await command(ANA, CH, 'status ads-model')).blocks);
    expect(status).toContain('*Drift*');
    expect(status).toMatch(/critical drift alert since .*, not acknowledged — <https:\/\/slack.com\/archives\/C0ADS\/p\d+\|open the thread>/);
    expect(status).toMatch(/Latest batch #\d+ .*: 4 of 4 columns drifted/);

    const home = async (user: string) => {
      const before = h.slack.store.callsTo('views.publish').length;
      await h.people.openHome(user);
      await waitFor(() => h.slack.store.callsTo('views.publish').length > before, `${user}'s home`);
      return JSON.stringify(h.slack.store.homeViews.get(user));
    };
    expect(await home(OWNER)).toMatch(/\*Open drift alerts\*.*\*ads-model\* critical drift alert since/);
    expect(await home(ANA)).toContain('*ads-model* critical drift alert');
    expect(await home(MAL)).toContain('No open alerts on your projects.');

    const signals = JSON.stringify(await renderSections(h.app.deps, m.project, 'viability', h.clock.now()));
    expect(signals).toContain('critical drift alert since');
    const evidence = JSON.stringify(await renderSections(h.app.deps, m.project, 'gate', h.clock.now()));
    expect(evidence).toContain('*Drift*');
  });
});
