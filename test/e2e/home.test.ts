import { desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject } from '../../src/db/repositories/projects.js';
import { gateBallots, gates, outbox, viabilityCheckins, viabilityResponses } from '../../src/db/schema/index.js';
import { raiseDriftAlert } from '../../src/services/drift/alerts/raise.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { evaluate, sample, storeBatch, storeReference } from '../helpers/drift.js';
import { ballotRows, CHANNEL, ephemeralsFor, lastGateMessage, latestGate, makeProject, OWNER, settle, tallySection, vote } from '../helpers/gates.js';
import { bootApp, type Harness } from '../helpers/harness.js';

const [ANA, BEN] = ['U0ANA', 'U0BEN'];

type Element = { type: string; text?: { text: string }; action_id?: string; value?: string };

describe.each(databaseKinds())('App Home (%s)', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootApp(kind);
  });
  afterAll(async () => h?.close());

  /** Opens the Home tab and returns its text once Slack has the newly published view. */
  const home = async (user: string) => {
    const before = h.slack.store.callsTo('views.publish').length;
    await h.people.openHome(user);
    await waitFor(() => h.slack.store.callsTo('views.publish').length > before, `${user}'s home`);
    return JSON.stringify(h.slack.store.homeViews.get(user));
  };
  /** The Home as Slack shows it now, without the person reopening it. */
  const homeOf = (user: string) => JSON.stringify(h.slack.store.homeViews.get(user) ?? {});
  const homeBlock = (user: string, blockId: string) => ((h.slack.store.homeViews.get(user)?.blocks ?? []) as { block_id?: string; elements?: Element[] }[]).find((b) => b.block_id === blockId);
  const buttons = (user: string, blockId: string) => (homeBlock(user, blockId)?.elements ?? []).map((e) => [e.text?.text, e.action_id, e.value]);
  const publishesTo = (user: string) => h.slack.store.callsTo('views.publish').filter((c) => c.args.user_id === user).length;
  const viewsOf = (user: string) => [...h.slack.store.views.values()].filter((v) => v.userId === user);
  /** Runs the jobs until `check` holds: what a click queues goes out through the outbox. */
  const until = (check: () => boolean, what: string) =>
    waitFor(async () => {
      await settle(h);
      return check();
    }, what);
  const openGate = async (slug: string, channel: string) => {
    expect((await h.people.command(OWNER, channel, `gate ${slug} --deadline 48h`)).status).toBe(200);
    await settle(h);
    return { gate: await latestGate(h), message: lastGateMessage(h, channel) };
  };
  const permalinkOf = (channel: string, ts: string) => `${h.slack.url}/archives/${channel}/p${ts.replace('.', '')}`;

  it('lists the person’s projects and the open gates awaiting their vote, until they vote — anonymous gates too', async () => {
    await makeProject(h, 'fraud-model', { stakeholders: [ANA, BEN], phase: 'development' });
    await makeProject(h, 'ads-model', { stakeholders: [ANA, BEN] });
    const open = async (slug: string, extra = '--deadline 48h') => {
      const res = await h.people.command(OWNER, CHANNEL, `gate ${slug} ${extra}`.trim());
      expect(res.status).toBe(200);
      await settle(h);
      return lastGateMessage(h);
    };
    const fraudGate = await open('fraud-model');
    const adsGate = await open('ads-model', '--anonymous');

    const anaHome = await home(ANA);
    expect(anaHome).toContain('*fraud-model*');
    expect(anaHome).toMatch(/\*fraud-model\* development → deployment/);
    expect(anaHome).toMatch(/\*ads-model\* design → development/);

    await vote(h, ANA, fraudGate, 'Go');
    await vote(h, ANA, adsGate, 'Go');
    expect(await home(ANA)).toContain('Nothing to vote on right now.');
    // Their ballots on the open gates, anonymous ones too: shown to them alone.
    expect(await home(ANA)).toMatch(/\*Your ballots on open gates\*.*\*fraud-model\* development → deployment: you voted \*Go\*.*\*ads-model\* design → development: you voted \*Go\*/);
    const benHome = await home(BEN);
    expect(benHome).toMatch(/\*fraud-model\* development → deployment/);
    expect(benHome).toMatch(/\*ads-model\* design → development/);

    // Not a voter: no gates listed, and not a stakeholder: no projects either.
    const other = await home('U0OTHER');
    expect(other).toContain('Nothing to vote on right now.');
    expect(other).toContain('You have no projects yet');
  });

  it('a vote from Home counts as one from the channel: the ballot, the gate message, and the voter’s Home (only theirs) redrawn', async () => {
    const CH = 'C0HOMEVOTE';
    await makeProject(h, 'churn-model', { stakeholders: [ANA, BEN], phase: 'development', channel: CH });
    await home(ANA);
    await home(BEN);
    const { gate, message } = await openGate('churn-model', CH);
    const blockId = `home-gate-${gate.id}`;

    // Opening the gate redrew its voters' Home (they had opened it before): the gate with the
    // channel message's own buttons, and the link to that message from chat.getPermalink.
    expect(homeOf(ANA)).toMatch(/\*churn-model\* development → deployment: Is churn-model ready to move from development to deployment\?/);
    expect(homeOf(ANA)).toContain(`<${permalinkOf(CH, message.ts)}|open the gate message>`);
    const id = String(gate.id);
    expect(buttons(ANA, blockId)).toEqual([
      ['Go', 'gate.vote.go', id],
      ['No-go', 'gate.vote.no_go', id],
      ['Abstain', 'gate.vote.abstain', id],
    ]);
    const benPublishes = publishesTo(BEN);
    const anaEphemerals = ephemeralsFor(h, ANA).length;

    const res = await h.people.act(ANA, { kind: 'home' }, { blockId, actionId: 'gate.vote.go' });
    expect(res.status).toBe(200);
    // The ack came after the commit: the ballot counts.
    expect((await ballotRows(h, gate.id)).map((b) => [b.voterKey, b.vote])).toEqual([[ANA, 'go']]);
    // A replayed copy of the click (its trigger id seen before) changes nothing, as on the channel.
    expect((await h.people.act(ANA, { kind: 'home' }, { blockId, actionId: 'gate.vote.abstain' }, { triggerId: res.triggerId })).status).toBe(200);
    expect((await ballotRows(h, gate.id)).map((b) => [b.voterKey, b.vote])).toEqual([[ANA, 'go']]);
    // The channel message's tally, and ANA's Home without her reopening it.
    await until(() => tallySection(h.slack.store.find(CH, message.ts)!).includes('*Go:* 1   *No-go:* 0'), 'the gate message tally');
    await until(() => !homeBlock(ANA, blockId), 'ANA’s Home without the gate’s buttons');
    expect(homeOf(ANA)).toContain('Nothing to vote on right now.');
    expect(homeOf(ANA)).toMatch(/\*churn-model\* development → deployment: you voted \*Go\* — <[^|]+\|change it on the gate message>/);
    // The redrawn Home is the confirmation; nobody else's Home was redrawn for her vote.
    expect(ephemeralsFor(h, ANA)).toHaveLength(anaEphemerals);
    expect(publishesTo(BEN)).toBe(benPublishes);
    // The permalink was asked once and kept: drawing the Home again asks Slack nothing.
    const lookups = h.slack.store.callsTo('chat.getPermalink').length;
    expect(await home(ANA)).toContain(permalinkOf(CH, message.ts));
    expect(h.slack.store.callsTo('chat.getPermalink')).toHaveLength(lookups);

    // No-go from Home opens the reason modal, as on the message; the last vote closes the gate.
    const benEphemerals = ephemeralsFor(h, BEN).length;
    const modals = viewsOf(BEN).length;
    const noGo = await h.people.act(BEN, { kind: 'home' }, { blockId, actionId: 'gate.vote.no_go' });
    const modal = await waitFor(() => viewsOf(BEN)[modals], 'the No-go modal');
    expect(modal.view.callback_id).toBe('gate.nogo');
    // Its replay is dropped by the dedupe middleware: no second modal, and no refusal either.
    const dms = h.slack.store.channelMessages('D0BEN').length;
    await h.people.act(BEN, { kind: 'home' }, { blockId, actionId: 'gate.vote.no_go' }, { triggerId: noGo.triggerId });
    await new Promise((r) => setTimeout(r, 100));
    expect(viewsOf(BEN)).toHaveLength(modals + 1);
    expect(h.slack.store.channelMessages('D0BEN')).toHaveLength(dms);
    const submitted = await h.people.submitView(BEN, modal.id, { reason: { reason: 'Labels arrive two weeks late.' } });
    expect(submitted.body).toBeFalsy();
    expect((await ballotRows(h, gate.id)).map((b) => [b.voterKey, b.vote]).sort()).toEqual([
      [ANA, 'go'],
      [BEN, 'no_go'],
    ]);
    await until(() => tallySection(h.slack.store.find(CH, message.ts)!).includes('Closed: NO-GO'), 'the gate closed');
    await until(() => !homeOf(BEN).includes('churn-model* development → deployment'), 'BEN’s Home without the closed gate');
    expect(homeOf(ANA)).not.toContain('churn-model* development → deployment');
    expect(ephemeralsFor(h, BEN)).toHaveLength(benEphemerals);
  });

  it('an anonymous gate: the ballot’s own transaction queues no Home redraw naming the voter; every voter’s Home is redrawn after it', async () => {
    const CH = 'C0HOMEANON';
    await makeProject(h, 'anon-model', { stakeholders: [ANA, BEN], phase: 'development', channel: CH });
    await home(ANA);
    await home(BEN);
    expect((await h.people.command(OWNER, CH, 'gate anon-model --anonymous')).status).toBe(200);
    await settle(h);
    const gate = await latestGate(h);
    const blockId = `home-gate-${gate.id}`;
    const benPublishes = publishesTo(BEN);
    expect((await h.people.act(ANA, { kind: 'home' }, { blockId, actionId: 'gate.vote.go' })).status).toBe(200);
    await until(() => !homeBlock(ANA, blockId), 'ANA’s Home without the gate’s buttons');
    // BEN, who has not voted, has his Home redrawn too: which Homes are redrawn says nothing of who voted.
    await until(() => publishesTo(BEN) > benPublishes, 'BEN’s Home redrawn');
    if (kind === 'postgres') {
      // Rows written by one transaction share its id (xmin): no outbox row may share the ballot's.
      const paired = (await h.database.db.execute(sql`select count(*)::int as n from ${outbox} o join ${gateBallots} b on b.xmin = o.xmin where b.gate_id = ${gate.id}`)) as unknown as { rows: { n: number }[] };
      expect(paired.rows[0]?.n).toBe(0);
    }
  });

  it('a click from a stale Home is refused as on the channel: the person is told, no ballot is written, and their Home is redrawn', async () => {
    const CH = 'C0HOMESTALE';
    await makeProject(h, 'stale-model', { stakeholders: [ANA, BEN], phase: 'development', channel: CH });
    await home(BEN);
    const { gate, message } = await openGate('stale-model', CH);
    const blockId = `home-gate-${gate.id}`;
    expect(homeBlock(BEN, blockId)).toBeDefined();
    // The voter list changes behind BEN's Home: he is no longer a voter of this gate.
    await h.database.db.update(gates).set({ voters: [ANA] }).where(eq(gates.id, gate.id));

    const modals = viewsOf(BEN).length;
    expect((await h.people.act(BEN, { kind: 'home' }, { blockId, actionId: 'gate.vote.go' })).status).toBe(200);
    const notice = await waitFor(() => viewsOf(BEN)[modals], 'the refusal shown to BEN');
    expect(JSON.stringify(notice.view.blocks)).toContain('You are not an eligible voter on this gate. Voters: <@U0ANA>.');
    expect(await ballotRows(h, gate.id)).toEqual([]);
    await until(() => !homeBlock(BEN, blockId), 'BEN’s Home without the gate');
    expect(tallySection(h.slack.store.find(CH, message.ts)!)).toContain('*Go:* 0   *No-go:* 0   *Abstain:* 0');
  });

  it('each project with its phase and its primary success metric’s best value against the target', async () => {
    const CH = 'C0METRIC';
    const brief = { problem: 'Churn is found too late.', stakeholders: [ANA], successMetrics: [{ name: 'auc', direction: 'maximize', target: 0.9 }, { name: 'latency_ms', direction: 'minimize', target: 50 }] };
    await createProject(h.database.db, { teamId: h.slack.teamId, slug: 'metric-model', channelId: CH, ownerId: OWNER, now: h.clock.now(), brief });
    expect(await home(ANA)).toContain('*metric-model* — :pencil2: design in <#C0METRIC>\\n      :heavy_minus_sign: *auc*: no run reports it yet (target ≥ 0.9)');
    const run = async (text: string) => {
      expect((await h.people.command(ANA, CH, `run metric-model ${text}`)).status).toBe(200);
      await settle(h);
    };
    await run('auc=0.8534 latency_ms=40');
    expect(await home(ANA)).toContain(':x: *auc* best 0.8534 vs target ≥ 0.9 — not met');
    await run('auc=0.93 latency_ms=60');
    await run('auc=0.91');
    expect(await home(ANA)).toContain(':white_check_mark: *auc* best 0.93 vs target ≥ 0.9 — met');
    expect(await home(OWNER)).toMatch(/\*metric-model\* — [^"]*· you own it\\n {6}:white_check_mark: \*auc\* best 0.93/);
  });

  it('a check-in waiting for the person’s answer, with the answer buttons, until they answer from Home', async () => {
    const CH = 'C0PULSE';
    await makeProject(h, 'pulse-model', { stakeholders: [ANA, BEN], channel: CH });
    await home(ANA);
    await home(BEN);
    expect((await h.people.command(OWNER, CH, 'viability pulse-model now')).status).toBe(200);
    await settle(h);
    const [checkin] = await h.database.db.select().from(viabilityCheckins).orderBy(desc(viabilityCheckins.id)).limit(1);
    const message = h.slack.store.channelMessages(CH).find((m) => m.text.startsWith('Viability check-in for'))!;
    const blockId = `home-checkin-${checkin!.id}`;
    // Posting it redrew the Home of the people who may answer.
    for (const user of [ANA, BEN]) {
      expect(homeOf(user)).toContain('*pulse-model*: Is the project still viable? Is it delivering value?');
      expect(homeOf(user)).toContain(`<${permalinkOf(CH, message.ts)}|open the check-in>`);
    }
    const id = String(checkin!.id);
    expect(buttons(ANA, blockId)).toEqual([
      ['On track', 'viability.answer.on_track', id],
      ['At risk', 'viability.answer.at_risk', id],
      ['Not viable', 'viability.answer.not_viable', id],
    ]);
    const ephemerals = ephemeralsFor(h, ANA).length;

    expect((await h.people.act(ANA, { kind: 'home' }, { blockId, actionId: 'viability.answer.on_track' })).status).toBe(200);
    await until(() => homeOf(ANA).includes('No check-in is waiting for your answer.'), 'ANA’s Home without the check-in');
    const answers = await h.database.db.select().from(viabilityResponses).where(eq(viabilityResponses.checkinId, checkin!.id));
    expect(answers.map((a) => [a.userId, a.answer])).toEqual([[ANA, 'on_track']]);
    await until(() => JSON.stringify(h.slack.store.find(CH, message.ts)!.blocks).includes('On track 1 · At risk 0 · Not viable 0'), 'the check-in tally');
    expect(ephemeralsFor(h, ANA)).toHaveLength(ephemerals);
    // BEN has not answered: his Home still asks him.
    expect(homeBlock(BEN, blockId)).toBeDefined();
  });

  it('the open drift alerts of the person’s projects, redrawn when one opens and when its state changes', async () => {
    const CH = 'C0HOMEDRIFT';
    const project = await makeProject(h, 'drift-model', { stakeholders: [ANA], channel: CH });
    await home(ANA);
    const referenceId = await storeReference(h, project);
    const report = await storeBatch(h, project, referenceId, evaluate(sample(2, 300, { amount: 0.8 })));
    await raiseDriftAlert(h.app.deps, { project, report });
    await settle(h);
    const root = h.slack.store.channelMessages(CH).find((m) => m.text.startsWith('Drift alert'))!;
    expect(homeOf(ANA)).toMatch(/\*Open drift alerts\*.*\*drift-model\* critical drift alert since [^"]*, not acknowledged — </);
    expect(homeOf(ANA)).toContain(`<${permalinkOf(CH, root.ts)}|open the thread>`);

    expect(((await h.people.command(ANA, CH, 'drift drift-model ack')).body as { text: string }).text).toContain('You acknowledged this alert');
    await until(() => homeOf(ANA).includes('*drift-model* critical drift alert') && homeOf(ANA).includes('acknowledged by <@U0ANA>'), 'ANA’s Home with the acknowledged alert');
    expect(((await h.people.command(ANA, CH, 'drift drift-model resolve')).body as { text: string }).text).toContain('You resolved this alert');
    await until(() => !homeOf(ANA).includes('*drift-model* critical drift alert'), 'ANA’s Home without the resolved alert');
  });
});
