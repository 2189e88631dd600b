import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, intakes, projects } from '../../src/db/schema/index.js';
import { BRIEF_FIELD_INFO } from '../../src/domain/intake/brief.js';
import { buttonLabels, lastGateMessage, settle } from '../helpers/gates.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness, SIGNING_SECRET } from '../helpers/harness.js';
import { intakeSteps } from './intake-steps.js';
import { findIntakeByThread } from '../../src/db/repositories/intakes.js';
import { handleIntakeReply } from '../../src/services/intake/conversation.js';

const CHANNEL = 'C0INTAKE';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const MALLORY = 'U0MALLORY';

const ANSWERS = {
  problem: 'Support agents spend hours routing tickets by hand.',
  whyMl: 'Keyword rules route only 40% of tickets correctly.',
  requirements: 'Route each ticket within a minute, with a reason agents can read.',
  successMetrics: 'auc >= 0.85, p95 latency under 200ms, recall at least 0.9',
  dataSources: 'Zendesk tickets since 2021; labels before 2023 are noisy.',
  stakeholders: `<@U0ANA> and <@U0RAJ|raj>`,
  risks: 'Urgent tickets misrouted; worse results for non-English customers.',
  timeline: 'Prototype by March, in production by June.',
};

describe.each(databaseKinds())('design intake, deterministic (%s)', (kind) => {
  let h: Harness;
  let steps: ReturnType<typeof intakeSteps>;
  beforeAll(async () => {
    h = await bootApp(kind);
    steps = intakeSteps(h);
  });
  afterAll(async () => h?.close());

  const projectRow = async (slug: string) => (await h.database.db.select().from(projects).where(eq(projects.slug, slug)))[0]!;

  it('runs a full intake to the Design brief, one question per field, with metrics and mentions parsed', async () => {
    const { ack, root } = await steps.start(ALICE, CHANNEL, 'ticket-router');
    expect(ack).toContain('`ticket-router`');
    expect(root.text).toContain(`<@${ALICE}>`);
    expect(steps.lastQuestion(CHANNEL, root.ts).text).toBe(BRIEF_FIELD_INFO.problem.question);

    const fields = Object.keys(ANSWERS) as (keyof typeof ANSWERS)[];
    for (const [i, field] of fields.entries()) {
      const reply = await steps.answer(ALICE, CHANNEL, root.ts, ANSWERS[field]);
      const next = fields[i + 1];
      if (next) expect(reply.text).toBe(BRIEF_FIELD_INFO[next].question);
    }
    const brief = steps.briefMessage(CHANNEL, root.ts)!;
    expect(brief).toBeDefined();
    const shown = steps.textOf(brief);
    for (const field of fields) expect(shown).toContain(BRIEF_FIELD_INFO[field].label);
    expect(shown).toContain('`auc` — maximize, at least *0.85*');
    expect(shown).toContain('`p95_latency_ms` — minimize, at most *200*');
    expect(shown).toContain('`recall` — maximize, at least *0.9*');
    expect(shown).toContain('<@U0ANA> <@U0RAJ>');
    // No LLM: no generated assessment.
    expect(shown).not.toContain('Is ML the right tool?');
    const buttons = (brief.blocks ?? []).flatMap((b) => (b.elements as { type: string; text: { text: string } }[] | undefined) ?? []).filter((e) => e.type === 'button').map((e) => e.text.text);
    expect(buttons).toEqual(['Edit brief', 'Request design gate']);

    const project = await projectRow('ticket-router');
    expect(project.phase).toBe('design');
    expect(project.brief).toEqual({
      problem: ANSWERS.problem,
      whyMl: ANSWERS.whyMl,
      requirements: ANSWERS.requirements,
      successMetrics: [
        { name: 'auc', direction: 'maximize', target: 0.85 },
        { name: 'p95_latency_ms', direction: 'minimize', target: 200 },
        { name: 'recall', direction: 'maximize', target: 0.9 },
      ],
      dataSources: ANSWERS.dataSources,
      stakeholders: ['U0ANA', 'U0RAJ'],
      risks: ANSWERS.risks,
      timeline: ANSWERS.timeline,
    });
    const audit = await h.database.db.select().from(auditLog).where(and(eq(auditLog.projectId, project.id), eq(auditLog.action, 'brief.updated')));
    expect(audit).toHaveLength(8);
    expect(audit.every((a) => a.actorId === ALICE)).toBe(true);
    const [intake] = await h.database.db.select().from(intakes).where(eq(intakes.projectId, project.id));
    expect(intake!.status).toBe('complete');
    // Further replies in a finished intake are not answers.
    const before = steps.botReplies(CHANNEL, root.ts).length;
    await h.people.say(ALICE, CHANNEL, 'one more thing', root.ts);
    await new Promise((r) => setTimeout(r, 150));
    expect(steps.botReplies(CHANNEL, root.ts)).toHaveLength(before);
  });

  it('status shows the brief’s problem and success metrics', async () => {
    const res = await h.people.command(ALICE, CHANNEL, 'status ticket-router');
    const text = JSON.stringify((res.body as { blocks: unknown[] }).blocks);
    expect(text).toContain('Support agents spend hours routing tickets by hand.');
    expect(text).toContain('`p95_latency_ms` — minimize, at most *200*');
  });

  it('Edit brief opens a prefilled modal; invalid fields come back inline; a valid save updates brief, message and audit', async () => {
    const root = h.slack.store.channelMessages(CHANNEL).find((m) => m.text.includes('ticket-router'))!;
    const brief = steps.briefMessage(CHANNEL, root.ts)!;
    const click = await h.people.click(BOB, brief, 'Edit brief');
    expect(click.status).toBe(200);
    // Bob took no part: refused, and no modal.
    await waitFor(() => h.slack.store.ephemerals.find((e) => e.user === BOB && e.text.includes('can edit this brief')), 'refusal');
    expect(h.slack.store.views.size).toBe(0);

    await h.people.click(ALICE, brief, 'Edit brief');
    const view = await waitFor(() => [...h.slack.store.views.values()].find((v) => v.userId === ALICE && v.open), 'edit modal');
    const metricsInput = (view.view.blocks ?? []).find((b) => b.block_id === 'brief_successMetrics') as unknown as { element: { initial_value: string } };
    expect(metricsInput.element.initial_value).toBe('auc >= 0.85\np95_latency_ms <= 200\nrecall >= 0.9');
    const stakeholdersInput = (view.view.blocks ?? []).find((b) => b.block_id === 'brief_stakeholders') as unknown as { element: { initial_users: string[] } };
    expect(stakeholdersInput.element.initial_users).toEqual(['U0ANA', 'U0RAJ']);

    const bad = await h.people.submitView(ALICE, view.id, { brief_successMetrics: { value: 'auc >= 0.85\nprecision high' }, brief_timeline: { value: '   ' }, brief_stakeholders: { value: [] } });
    expect(bad.body).toMatchObject({ response_action: 'errors' });
    const errors = (bad.body as { errors: Record<string, string> }).errors;
    expect(errors.brief_successMetrics).toContain('has no target number');
    expect(errors.brief_timeline).toContain('empty');
    expect(errors.brief_stakeholders).toContain('at least one stakeholder');
    expect((await projectRow('ticket-router')).brief).toMatchObject({ timeline: ANSWERS.timeline });

    const ok = await h.people.submitView(ALICE, view.id, { brief_successMetrics: { value: 'auc >= 0.9\nlatency_p95_ms <= 150' }, brief_timeline: { value: 'Production by July.' } });
    expect(ok.status).toBe(200);
    await waitFor(async () => ((await projectRow('ticket-router')).brief as { timeline: string }).timeline === 'Production by July.', 'brief saved');
    const saved = (await projectRow('ticket-router')).brief as { successMetrics: unknown; problem: string };
    expect(saved.successMetrics).toEqual([
      { name: 'auc', direction: 'maximize', target: 0.9 },
      { name: 'latency_p95_ms', direction: 'minimize', target: 150 },
    ]);
    expect(saved.problem).toBe(ANSWERS.problem);
    // Saved before the modal closed; the Design brief message is updated through the outbox.
    expect(((await projectRow('ticket-router')).brief as { timeline: string }).timeline).toBe('Production by July.');
    await waitFor(async () => {
      await h.app.jobs.tick(h.clock.now());
      return brief.edited && steps.textOf(brief).includes('Production by July.');
    }, 'brief message updated');
    expect(steps.textOf(brief)).toContain('`auc` — maximize, at least *0.9*');
    expect(steps.textOf(brief)).toContain(`last edited by <@${ALICE}>`);
    const project = await projectRow('ticket-router');
    const edits = await h.database.db.select().from(auditLog).where(and(eq(auditLog.projectId, project.id), eq(auditLog.action, 'brief.edited')));
    expect(edits).toHaveLength(1);
    expect(edits[0]).toMatchObject({ actorId: ALICE, detail: { fields: ['successMetrics', 'timeline'] } });
  });

  it('Request design gate opens the design → development gate with the stakeholders as voters', async () => {
    const root = h.slack.store.channelMessages(CHANNEL).find((m) => m.text.includes('ticket-router'))!;
    await h.people.click(ALICE, steps.briefMessage(CHANNEL, root.ts)!, 'Request design gate');
    const e = await waitFor(() => h.slack.store.ephemerals.find((x) => x.user === ALICE && x.via === 'chat.postEphemeral' && /gate/i.test(x.text)), 'gate answer');
    expect(e.text).toContain('Opened a go/no-go gate for ticket-router (design → development)');
    await settle(h);
    const gate = lastGateMessage(h, CHANNEL);
    expect(JSON.stringify(gate.blocks)).toContain('Go/no-go: ticket-router design → development');
    expect(buttonLabels(gate)).toEqual(expect.arrayContaining(['Go', 'No-go', 'Abstain']));
  });

  it('refuses a taken slug, an invalid slug and extra words, writing nothing', async () => {
    const count = async () => (await h.database.db.select().from(projects)).length;
    const before = await count();
    const taken = await h.people.command(BOB, 'C0OTHER', 'intake ticket-router');
    expect((taken.body as { text: string }).text).toContain('There is already a project `ticket-router`');
    const invalid = await h.people.command(BOB, CHANNEL, 'intake Ticket_Router');
    expect((invalid.body as { text: string }).text).toContain('is not a valid project slug');
    const extra = await h.people.command(BOB, CHANNEL, 'intake churn now');
    expect((extra.body as { text: string }).text).toContain('Unexpected "now"');
    expect(await count()).toBe(before);
  });

  it('re-asks after bad answers, ignores outsiders, lets mentioned people answer, and cancels on `cancel`', async () => {
    const { root } = await steps.start(ALICE, CHANNEL, 'churn-model');
    const empty = await steps.answer(ALICE, CHANNEL, root.ts, '   ');
    expect(empty.text).toBe(BRIEF_FIELD_INFO.problem.question);
    expect(steps.textOf(empty)).toContain('is empty');
    const long = await steps.answer(ALICE, CHANNEL, root.ts, 'x'.repeat(3500));
    expect(steps.textOf(long)).toContain('the limit is 3000');

    // An outsider's reply is not an answer: nothing is posted, the question stays.
    const before = steps.botReplies(CHANNEL, root.ts).length;
    await h.people.say(MALLORY, CHANNEL, 'Customers leave.', root.ts);
    await new Promise((r) => setTimeout(r, 150));
    expect(steps.botReplies(CHANNEL, root.ts)).toHaveLength(before);

    // Alice brings Bob in by mentioning him; Bob's answer then counts.
    await steps.answer(ALICE, CHANNEL, root.ts, `Customers cancel without warning; <@${BOB}> knows the data.`);
    await steps.answer(BOB, CHANNEL, root.ts, 'A churn score lets retention act a month earlier than rules.');
    await steps.answer(ALICE, CHANNEL, root.ts, 'Weekly scores for every account.');
    const noNumber = await steps.answer(ALICE, CHANNEL, root.ts, 'precision should be high');
    expect(steps.textOf(noNumber)).toContain('has no target number');
    expect(noNumber.text).toBe(BRIEF_FIELD_INFO.successMetrics.question);

    const cancelled = await steps.answer(BOB, CHANNEL, root.ts, 'cancel');
    expect(cancelled.text).toContain(`Intake cancelled by <@${BOB}>`);
    const project = await projectRow('churn-model');
    const [intake] = await h.database.db.select().from(intakes).where(eq(intakes.projectId, project.id));
    expect(intake!.status).toBe('cancelled');
    expect(project.brief).toMatchObject({ problem: `Customers cancel without warning; <@${BOB}> knows the data.`, requirements: 'Weekly scores for every account.' });
    const byBob = await h.database.db.select().from(auditLog).where(and(eq(auditLog.projectId, project.id), eq(auditLog.actorId, BOB)));
    expect(byBob.map((a) => a.action)).toEqual(['brief.updated', 'intake.cancelled']);
  });

  it('an answer that lost the race to another participant’s answer is not filed under the next field', async () => {
    const { root } = await steps.start(ALICE, CHANNEL, `race-model <@${BOB}>`);
    const before = (await findIntakeByThread(h.database.db, h.slack.teamId, CHANNEL, root.ts))!;
    expect(before.currentField).toBe('problem');
    // Alice's answer lands first; Bob's reply was read against the same question (the stale row).
    await steps.answer(ALICE, CHANNEL, root.ts, ANSWERS.problem);
    const late = h.slack.addMessage({ channel: CHANNEL, threadTs: root.ts, user: BOB, text: 'Tickets bounce between teams.' });
    await handleIntakeReply(h.app.deps, before, { userId: BOB, text: late.text, ts: late.ts });
    await steps.jobs();
    const brief = (await projectRow('race-model')).brief as Record<string, unknown>;
    expect(brief.problem).toBe(ANSWERS.problem);
    expect(brief.whyMl ?? null).toBeNull();
    const note = steps.lastQuestion(CHANNEL, root.ts);
    expect(JSON.stringify(note.blocks)).toContain('someone answered that question just before you');
    expect(note.text).toContain(BRIEF_FIELD_INFO.whyMl.question);
  });

  it('two intakes in one channel run independently, answers interleaved', async () => {
    const a = await steps.start(ALICE, 'C0PAR', 'fraud-score');
    const b = await steps.start(BOB, 'C0PAR', 'demand-forecast');
    await Promise.all([steps.answer(ALICE, 'C0PAR', a.root.ts, 'Card fraud found too late.'), steps.answer(BOB, 'C0PAR', b.root.ts, 'Stores over-order fresh food.')]);
    await Promise.all([steps.answer(ALICE, 'C0PAR', a.root.ts, 'Fraud patterns change weekly.'), steps.answer(BOB, 'C0PAR', b.root.ts, 'Seasonality beats moving averages.')]);
    // Alice answering in Bob's thread is not an answer there.
    const before = steps.botReplies('C0PAR', b.root.ts).length;
    await h.people.say(ALICE, 'C0PAR', 'Hello from the other intake', b.root.ts);
    await new Promise((r) => setTimeout(r, 150));
    expect(steps.botReplies('C0PAR', b.root.ts)).toHaveLength(before);
    expect((await projectRow('fraud-score')).brief).toEqual({ problem: 'Card fraud found too late.', whyMl: 'Fraud patterns change weekly.' });
    expect((await projectRow('demand-forecast')).brief).toEqual({ problem: 'Stores over-order fresh food.', whyMl: 'Seasonality beats moving averages.' });
    expect(steps.lastQuestion('C0PAR', a.root.ts).text).toBe(BRIEF_FIELD_INFO.requirements.question);
    expect(steps.lastQuestion('C0PAR', b.root.ts).text).toBe(BRIEF_FIELD_INFO.requirements.question);
  });

  it('closes an intake idle for 7 days with a note in its thread, through the outbox', async () => {
    const { root } = await steps.start(ALICE, 'C0IDLE', 'idle-idea');
    await steps.answer(ALICE, 'C0IDLE', root.ts, 'Something about forecasting.');
    await h.app.jobs.tick(new Date(h.clock.now().getTime() + 6 * 86_400_000));
    expect(steps.botReplies('C0IDLE', root.ts).some((m) => m.text.includes('7 days'))).toBe(false);
    await h.app.jobs.tick(new Date(h.clock.now().getTime() + 7 * 86_400_000 + 60_000));
    const note = await waitFor(() => steps.botReplies('C0IDLE', root.ts).find((m) => m.text.includes('closed after 7 days')), 'idle note');
    expect(note.metadata?.event_type).toBe('mlops_outbox');
    const project = await projectRow('idle-idea');
    const [intake] = await h.database.db.select().from(intakes).where(eq(intakes.projectId, project.id));
    expect(intake!.status).toBe('expired');
  });

  // Last in the file: it stops the harness's app.
  it('a restart mid-intake loses nothing: a new process on the same database carries on', async () => {
    const { root } = await steps.start(ALICE, 'C0RESTART', 'restart-me');
    await steps.answer(ALICE, 'C0RESTART', root.ts, ANSWERS.problem);
    await steps.answer(ALICE, 'C0RESTART', root.ts, ANSWERS.whyMl);
    await h.app.stop();
    const next = await h.replica();
    h.people.connect(next.url, SIGNING_SECRET);
    steps.use(next);
    const fields = ['requirements', 'successMetrics', 'dataSources', 'stakeholders', 'risks', 'timeline'] as const;
    for (const f of fields) await steps.answer(ALICE, 'C0RESTART', root.ts, ANSWERS[f]);
    await steps.briefStored(root.ts);
    expect(steps.briefMessage('C0RESTART', root.ts)).toBeDefined();
    const brief = (await projectRow('restart-me')).brief as Record<string, unknown>;
    expect(brief.problem).toBe(ANSWERS.problem);
    expect(brief.whyMl).toBe(ANSWERS.whyMl);
    expect(brief.timeline).toBe(ANSWERS.timeline);
    // Each question was asked once: nothing repeated or skipped across the restart.
    const asked = steps.botReplies('C0RESTART', root.ts).map((m) => m.text);
    expect(asked.slice(0, 8)).toEqual(Object.values(BRIEF_FIELD_INFO).map((i) => i.question));
  });
});
