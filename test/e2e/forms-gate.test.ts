import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredView } from '../../src/sandbox/emulator/store.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { blockTexts, CHANNEL, gateRows, lastGateMessage, latestGate, makeProject, OWNER, settle } from '../helpers/gates.js';
import { bootApp, type Harness } from '../helpers/harness.js';

const [ANA, RAJ, LEE, EVE] = ['U0ANA', 'U0RAJ', 'U0LEE', 'U0EVE'];
const HOUR = 3_600_000;
type Ack = { response_action?: string; errors?: Record<string, string> } | undefined;

/** "Forms instead of flags": the gate form from `/mlops gate <slug>` and from the global shortcut. */
describe.each(databaseKinds())('the gate form through the Slack emulator (%s)', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootApp(kind);
  });
  afterAll(async () => h?.close());

  /** The newest open gate form of this person. */
  const gateForm = (user: string, not?: string) =>
    waitFor(() => [...h.slack.store.views.values()].reverse().find((v) => v.userId === user && v.open && v.view.callback_id === 'gate.form' && v.id !== not), `${user}'s gate form`);
  const blockIds = (v: StoredView) => (v.view.blocks ?? []).map((b) => String(b.block_id));
  const element = (v: StoredView, blockId: string) => (v.view.blocks ?? []).find((b) => b.block_id === blockId)?.element as Record<string, unknown> | undefined;
  const submit = async (user: string, v: StoredView, values: Record<string, Record<string, string | string[] | null>>) => (await h.people.submitView(user, v.id, values)).body as Ack;
  const command = async (user: string, text: string) => ((await h.people.command(user, CHANNEL, text)).body as { text: string }).text;
  const gateCount = async () => (await gateRows(h)).length;

  it('/mlops gate <slug> opens the form prefilled with the defaults; submitted, the gate opens with what was chosen', async () => {
    const p = await makeProject(h, 'churn', { stakeholders: [ANA, RAJ, LEE] });
    expect(await command(OWNER, 'gate churn')).toBe('Opening the gate form for *churn*…');
    const form = await gateForm(OWNER);
    expect(h.slack.store.views.get(form.id)!.open).toBe(true);
    // Prefilled: the brief's stakeholders vote, the next phase, 48 h from now.
    expect(element(form, `gate_voters@${p.id}`)).toMatchObject({ type: 'multi_users_select', initial_users: [ANA, RAJ, LEE] });
    expect(element(form, `gate_phase@${p.id}`)).toMatchObject({ initial_option: { value: 'development' } });
    const initialDeadline = element(form, 'gate_deadline')!.initial_date_time as number;
    expect(initialDeadline * 1000).toBeGreaterThan(h.clock.now().getTime() + 47 * HOUR);
    expect(initialDeadline * 1000).toBeLessThanOrEqual(h.clock.now().getTime() + 48 * HOUR);
    expect(await gateCount()).toBe(0);

    const deadline = Math.floor((h.clock.now().getTime() + 72 * HOUR) / 1000);
    const ack = await submit(OWNER, form, {
      [`gate_voters@${p.id}`]: { voters: [ANA, RAJ] },
      gate_deadline: { deadline: String(deadline) },
      [`gate_quorum@${p.id}`]: { quorum: '2' },
      [`gate_question@${p.id}`]: { question: 'Ship <churn> v2 to dev?' },
      // Anonymous alone: the counts are hidden until close all the same, as with the flags.
      gate_options: { options: ['anonymous'] },
    });
    expect(ack?.response_action).toBeUndefined();
    // Closed only now that the gate is stored.
    expect(h.slack.store.views.get(form.id)!.open).toBe(false);
    const gate = await latestGate(h);
    expect(gate).toMatchObject({ projectId: p.id, openedBy: OWNER, fromPhase: 'design', toPhase: 'development', voters: [ANA, RAJ], quorum: 2, anonymous: true, hideResults: true });
    expect(gate.deadline.getTime()).toBe(deadline * 1000);
    await settle(h);
    const msg = lastGateMessage(h);
    expect(blockTexts(msg)).toContain('Ship &lt;churn&gt; v2 to dev?');
    expect(blockTexts(msg)).toContain('*Anonymous votes*');
    expect(blockTexts(msg)).toContain(`<!date^${deadline}^`);
  });

  it('flags, or a question, still open the gate at once without a form', async () => {
    await makeProject(h, 'flagged', { stakeholders: [ANA, RAJ] });
    const forms = h.slack.store.views.size;
    expect(await command(OWNER, 'gate flagged Ready for development?')).toContain('Opened a go/no-go gate for flagged');
    expect(h.slack.store.views.size).toBe(forms);
  });

  it('the global shortcut opens the form with a project picker; a pick refills it with that project\'s defaults', async () => {
    const p = await makeProject(h, 'ranker', { stakeholders: [RAJ, LEE], phase: 'development' });
    await makeProject(h, 'retired-one', { stakeholders: [RAJ], phase: 'retired' });
    const res = await h.people.shortcut(RAJ, 'open_gate');
    expect(res.status).toBe(200);
    const form = await gateForm(RAJ);
    const picker = element(form, 'gate_project')!;
    // RAJ is a stakeholder of churn, flagged and ranker; the retired project has no gate to open.
    expect((picker.options as { text: { text: string } }[]).map((o) => o.text.text)).toEqual(['churn', 'flagged', 'ranker']);
    expect(blockIds(form)).toContain('gate_voters');

    await h.people.act(RAJ, { kind: 'modal', viewId: form.id }, { blockId: 'gate_project', actionId: 'gate.form.project', selectedValue: String(p.id) });
    const refilled = await waitFor(() => {
      const v = h.slack.store.views.get(form.id)!;
      return blockIds(v).includes(`gate_voters@${p.id}`) && v;
    }, 'the form refilled for ranker');
    expect(element(refilled, `gate_voters@${p.id}`)).toMatchObject({ initial_users: [RAJ, LEE] });
    expect(element(refilled, `gate_phase@${p.id}`)).toMatchObject({ initial_option: { value: 'deployment' } });
    expect(blockTexts(refilled.view)).toContain('As a stakeholder you can open this gate with the defaults');

    expect((await submit(RAJ, refilled, {}))?.response_action).toBeUndefined();
    const gate = await latestGate(h);
    expect(gate).toMatchObject({ projectId: p.id, openedBy: RAJ, fromPhase: 'development', toPhase: 'deployment', voters: [RAJ, LEE], quorum: 2, anonymous: false, hideResults: false });
    await settle(h);
    expect(lastGateMessage(h).text).toContain('ranker');
  });

  it('with one project to gate, the shortcut\'s form opens on it, prefilled', async () => {
    const p = await makeProject(h, 'solo', { stakeholders: ['U0SOLO', ANA] });
    await h.people.shortcut('U0SOLO', 'open_gate');
    const form = await gateForm('U0SOLO');
    expect(element(form, 'gate_project')).toMatchObject({ initial_option: { value: String(p.id) } });
    expect(element(form, `gate_voters@${p.id}`)).toMatchObject({ initial_users: ['U0SOLO', ANA] });
  });

  it('someone with no project to gate gets a form that says so, and cannot submit', async () => {
    await h.people.shortcut(EVE, 'open_gate');
    const form = await gateForm(EVE);
    expect(form.view.submit).toBeUndefined();
    expect(blockTexts(form.view)).toContain('not the owner or a stakeholder of any active project');
  });

  it('a past deadline, a quorum above the voters, or no voters come back on their inputs and write nothing', async () => {
    const p = await makeProject(h, 'checks', { stakeholders: [ANA, RAJ] });
    await command(OWNER, 'gate checks');
    const form = await gateForm(OWNER);
    const before = await gateCount();

    const past = await submit(OWNER, form, { gate_deadline: { deadline: String(Math.floor((h.clock.now().getTime() - HOUR) / 1000)) } });
    expect(past).toEqual({ response_action: 'errors', errors: { gate_deadline: 'The deadline must be in the future.' } });
    const far = await submit(OWNER, form, { gate_deadline: { deadline: String(Math.floor((h.clock.now().getTime() + 200 * 24 * HOUR) / 1000)) } });
    expect(far?.errors).toEqual({ gate_deadline: expect.stringContaining('more than 90 days away') });
    const quorum = await submit(OWNER, form, { [`gate_quorum@${p.id}`]: { quorum: '5' } });
    expect(quorum).toEqual({ response_action: 'errors', errors: { [`gate_quorum@${p.id}`]: 'Quorum 5 is larger than the 2 eligible voters.' } });
    const fraction = await submit(OWNER, form, { [`gate_quorum@${p.id}`]: { quorum: '1.5' } });
    expect(fraction?.errors).toEqual({ [`gate_quorum@${p.id}`]: expect.stringContaining('whole number') });
    expect(await gateCount()).toBe(before);
    expect(h.slack.store.views.get(form.id)!.open).toBe(true);

    // A brief without stakeholders: the voters are required, and their absence is said on that input.
    const bare = await makeProject(h, 'no-brief');
    await command(OWNER, 'gate no-brief');
    const bareForm = await gateForm(OWNER, form.id);
    const noVoters = await submit(OWNER, bareForm, {});
    expect(noVoters?.errors).toEqual({ [`gate_voters@${bare.id}`]: 'Pick at least one voter: the design brief names no stakeholders to default to.' });
    expect(await gateCount()).toBe(before);
  });

  it('a stakeholder who changes the voters is refused in the form; with the defaults the gate opens', async () => {
    const p = await makeProject(h, 'guarded', { stakeholders: [ANA, RAJ, LEE] });
    await command(ANA, 'gate guarded');
    const form = await gateForm(ANA);
    const before = await gateCount();
    const refused = await submit(ANA, form, { [`gate_voters@${p.id}`]: { voters: [ANA] } });
    expect(refused?.errors).toEqual({ [`gate_voters@${p.id}`]: expect.stringContaining('Only the project owner can choose the voters or the quorum') });
    const quorum = await submit(ANA, form, { [`gate_quorum@${p.id}`]: { quorum: '1' } });
    expect(quorum?.errors?.[`gate_voters@${p.id}`]).toContain('Only the project owner can choose');
    expect(await gateCount()).toBe(before);

    // The private metadata is not trusted: pointed at a project ANA has no part in, the form is refused.
    const other = await makeProject(h, 'secret', { stakeholders: [LEE] });
    const stored = h.slack.store.views.get(form.id)!;
    stored.view = { ...stored.view, private_metadata: JSON.stringify({ projectId: other.id, channelId: CHANNEL }) };
    const forged = await submit(ANA, stored, {});
    expect(Object.values(forged?.errors ?? {})).toEqual(['Only the project owner or a stakeholder named in the design brief of secret can open a gate on it.']);
    expect(await gateCount()).toBe(before);

    stored.view = { ...stored.view, private_metadata: JSON.stringify({ projectId: p.id, channelId: CHANNEL }) };
    expect((await submit(ANA, stored, {}))?.response_action).toBeUndefined();
    expect(await latestGate(h)).toMatchObject({ projectId: p.id, openedBy: ANA, voters: [ANA, RAJ, LEE], quorum: 2 });
  });

  it('/mlops help gate and help viability say a bare command opens the form', async () => {
    expect(await command(OWNER, 'help gate')).toContain('With just the slug, a form opens (the "Open a gate" shortcut opens it too)');
    expect(await command(OWNER, 'help viability')).toContain('a Set schedule… button that opens a form');
  });

  it('someone who may not open a gate, or a retired project, gets the refusal instead of a form', async () => {
    await makeProject(h, 'closed-door', { stakeholders: [ANA] });
    await makeProject(h, 'retired-two', { stakeholders: [ANA], phase: 'retired' });
    const forms = h.slack.store.views.size;
    expect(await command(EVE, 'gate closed-door')).toContain('Only the project owner (<@U0OWNER>) or a stakeholder');
    expect(await command(OWNER, 'gate retired-two')).toContain('retired-two is retired; it cannot move to another phase.');
    expect(h.slack.store.views.size).toBe(forms);
  });
});
