import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTokens, auditLog, gates, projects, runs, schedules, stakeholderProposals, viabilityCheckins } from '../../src/db/schema/index.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { lastGateMessage, settle, vote } from '../helpers/gates.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { projectWithTargets } from '../helpers/runs.js';
import { intakeSteps } from './intake-steps.js';

const HOME = 'C0HOME';
const ELSEWHERE = 'C0ELSEWHERE';
const OWNER = 'U0OWNER';
const ANA = 'U0ANA';
const MEMBER = 'U0MEMBER';
const STRANGER = 'U0STRANGER';

/** Who asks, and from which channel: the four positions the access table distinguishes. */
const ROLES = {
  'owner, elsewhere': { user: OWNER, channel: ELSEWHERE },
  'stakeholder, elsewhere': { user: ANA, channel: ELSEWHERE },
  'channel member': { user: MEMBER, channel: HOME },
  'stranger, elsewhere': { user: STRANGER, channel: ELSEWHERE },
} as const;
type Role = keyof typeof ROLES;

const REFUSED = ':no_entry_sign:';

describe.each(databaseKinds())('who may do what, on every command (%s)', (kind) => {
  let h: Harness;
  const reply = async (role: Role, text: string, opts: { triggerId?: string } = {}) => {
    const r = ROLES[role];
    const res = await h.people.command(r.user, r.channel, text, opts);
    return (res.body as { text: string }).text;
  };
  const writes = async () => {
    const n = async (t: typeof runs | typeof auditLog | typeof apiTokens | typeof schedules | typeof viabilityCheckins) => Number((await h.database.db.select({ n: count() }).from(t))[0]!.n);
    return { runs: await n(runs), audit: await n(auditLog), tokens: await n(apiTokens), schedules: await n(schedules), checkins: await n(viabilityCheckins) };
  };

  beforeAll(async () => {
    h = await bootApp(kind, { config: { minScheduleIntervalSeconds: 1 } });
    const p = await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'access', channelId: HOME, ownerId: OWNER, now: h.clock.now(), targets: [{ name: 'auc', direction: 'maximize', target: 0.8 }] });
    await h.database.db.update(projects).set({ brief: { problem: 'Churn', successMetrics: [{ name: 'auc', direction: 'maximize', target: 0.8 }], stakeholders: [ANA] } }).where(eq(projects.id, p.id));
  });
  afterAll(async () => h?.close());

  // Reading and logging: the channel's members, and the owner and stakeholders anywhere.
  const readers: Record<Role, boolean> = { 'owner, elsewhere': true, 'stakeholder, elsewhere': true, 'channel member': true, 'stranger, elsewhere': false };
  // Schedules and tokens: the owner only.
  const owners: Record<Role, boolean> = { 'owner, elsewhere': true, 'stakeholder, elsewhere': false, 'channel member': false, 'stranger, elsewhere': false };

  const cases: { command: string; who: Record<Role, boolean>; refusal: string }[] = [
    { command: 'status access', who: readers, refusal: '*access* can be seen in its channel <#C0HOME>, or by its owner (<@U0OWNER>)' },
    { command: 'runs access', who: readers, refusal: '*access* can be seen in its channel <#C0HOME>' },
    { command: 'run access auc=0.81', who: readers, refusal: 'Runs of *access* are logged in its channel <#C0HOME>' },
    { command: 'viability access', who: readers, refusal: '*access* can be seen in its channel' },
    { command: 'token access list', who: readers, refusal: '*access* can be seen in its channel' },
    { command: 'viability access --every "*/5 * * * *"', who: owners, refusal: 'Only the owner of *access* (<@U0OWNER>) changes its stakeholders, voters, schedules' },
    { command: 'viability access off', who: owners, refusal: 'Only the owner of *access* (<@U0OWNER>)' },
    { command: 'token access', who: owners, refusal: 'Only the owner of *access* (<@U0OWNER>)' },
  ];

  for (const c of cases) {
    for (const role of Object.keys(ROLES) as Role[]) {
      const allowed = c.who[role];
      it(`/mlops ${c.command} — ${role}: ${allowed ? 'allowed' : 'refused, saying who may, writing nothing'}`, async () => {
        const before = await writes();
        const text = await reply(role, c.command);
        if (allowed) {
          expect(text).not.toContain(REFUSED);
          return;
        }
        expect(text).toContain(REFUSED);
        expect(text).toContain(c.refusal);
        expect(text).not.toContain('Usage:');
        expect(await writes()).toEqual(before);
      });
    }
  }

  it('viability now: stakeholders and the owner only, and at most once per project every 10 minutes', async () => {
    const before = await writes();
    expect(await reply('channel member', 'viability access now')).toContain('Only the stakeholders of *access* and its owner');
    expect(await reply('stranger, elsewhere', 'viability access now')).toContain(REFUSED);
    expect(await writes()).toEqual(before);
    expect(await reply('stakeholder, elsewhere', 'viability access now')).toContain('Posting a viability check-in for *access*');
    expect(await reply('owner, elsewhere', 'viability access now')).toContain('at most once every 10 minutes');
    expect((await writes()).checkins).toBe(before.checkins + 1);
    h.clock.advance(10 * 60_000);
    expect(await reply('owner, elsewhere', 'viability access now')).toContain('Posting a viability check-in');
    expect((await writes()).checkins).toBe(before.checkins + 2);
  });

  it('a check-in is answered by stakeholders and the owner; anyone else clicking is told who may, and nothing is counted', async () => {
    await settle(h);
    const checkin = h.slack.store.channelMessages(HOME).filter((m) => m.text.startsWith('Viability check-in for')).at(-1)!;
    // Counted from here: an earlier test's command already told MEMBER the same.
    const refusals = () => h.slack.store.ephemerals.filter((e) => e.user === MEMBER && e.text.includes('Only the stakeholders of *access* and its owner')).length;
    const earlier = refusals();
    await h.people.click(MEMBER, checkin, 'Not viable');
    await waitFor(() => refusals() === earlier + 1, 'refusal');
    await h.people.click(MEMBER, checkin, 'Add comment');
    await waitFor(() => refusals() === earlier + 2, 'comment refusal');
    await h.people.click(ANA, checkin, 'At risk');
    await waitFor(() => h.slack.store.ephemerals.find((e) => e.user === ANA && /At risk/.test(e.text)), 'answer confirmation');
    const { viabilityResponses } = await import('../../src/db/schema/index.js');
    const answers = await h.database.db.select().from(viabilityResponses);
    expect(answers.map((a) => a.userId)).toEqual([ANA]);
  });

  it('a replayed slash command (the same signed request again) runs once: no second API token', async () => {
    const before = (await writes()).tokens;
    const first = await reply('owner, elsewhere', 'token access', { triggerId: 'replayed-trigger' });
    expect(first).toContain('API token for *access*');
    const again = await h.people.command(OWNER, ELSEWHERE, 'token access', { triggerId: 'replayed-trigger' });
    expect(again.status).toBe(200);
    expect((again.body as { text?: string } | undefined)?.text ?? '').not.toContain('API token');
    expect((await writes()).tokens).toBe(before + 1);
  });

  it('Share to channel under a private leaderboard is checked again at the click: a stranger, or a stakeholder removed meanwhile, is refused and nothing is posted', async () => {
    await reply('owner, elsewhere', 'run access auc=0.83 --name shareable');
    const boards = () => h.slack.store.channelMessages(HOME).filter((m) => m.text.includes('leaderboard by'));
    const shares = () => h.slack.store.callsTo('chat.postMessage').filter((c) => String(c.args.text).includes('leaderboard by')).length;
    await h.people.command(ANA, ELSEWHERE, 'runs access');
    const ana = h.slack.store.ephemerals.at(-1)!;
    expect(ana.user).toBe(ANA);
    // The button's value names the project; a stranger who copies the click gets nothing from it.
    await h.people.clickEphemeral(STRANGER, ana, 'Share to channel');
    const refusal = await waitFor(() => h.slack.store.ephemerals.find((e) => e.user === STRANGER && e.text.includes(REFUSED)), 'the stranger’s refusal');
    expect(refusal.text).toContain('*access* can be seen in its channel <#C0HOME>');
    // Ana is no stakeholder any more when she clicks: refused too, her private leaderboard left as it was.
    const [p] = await h.database.db.select().from(projects).where(eq(projects.slug, 'access'));
    await h.database.db.update(projects).set({ brief: { ...(p!.brief as object), stakeholders: [] } }).where(eq(projects.id, p!.id));
    try {
      await h.people.clickEphemeral(ANA, ana, 'Share to channel');
      await waitFor(() => h.slack.store.ephemerals.find((e) => e.user === ANA && e.text.includes(REFUSED) && e.text.includes('can be seen in its channel')), 'Ana’s refusal');
      expect(JSON.stringify(ana.blocks)).toContain('Share to channel');
      await settle(h);
      expect(boards()).toHaveLength(0);
      expect(shares()).toBe(0);
    } finally {
      await h.database.db.update(projects).set({ brief: p!.brief }).where(eq(projects.id, p!.id));
    }
    // A channel member shares their own.
    await h.people.command(MEMBER, HOME, 'runs access');
    const member = h.slack.store.ephemerals.at(-1)!;
    await h.people.clickEphemeral(MEMBER, member, 'Share to channel');
    await waitFor(() => member.text.includes('Shared the *access* leaderboard'), 'the member’s share');
    await settle(h);
    expect(boards()).toHaveLength(1);
  });
});

describe.each(databaseKinds())('one stakeholder cannot retire a project alone (%s)', (kind) => {
  let h: Harness;
  let steps: ReturnType<typeof intakeSteps>;
  const CH = 'C0RETIRE';
  const RAJ = 'U0RAJ';
  beforeAll(async () => {
    h = await bootApp(kind);
    steps = intakeSteps(h);
  });
  afterAll(async () => h?.close());

  const project = async () => (await h.database.db.select().from(projects).where(eq(projects.slug, 'router')))[0]!;

  it('stakeholders proposed by a stakeholder wait for the owner; a retire gate counts the owner; the owner confirms in a DM', async () => {
    // A finished intake: owner OWNER, stakeholders Ana and Raj.
    const { root } = await steps.start(OWNER, CH, 'router');
    for (const answer of ['Tickets are routed by hand.', 'Rules route 40% right.', 'Route within a minute.', 'auc >= 0.85', 'Zendesk tickets.', `<@${ANA}> and <@${RAJ}>`, 'Misrouted urgent tickets.', 'June.']) {
      await steps.answer(OWNER, CH, root.ts, answer);
    }
    await steps.briefStored(root.ts);
    const brief = steps.briefMessage(CH, root.ts)!;

    // Ana, a stakeholder, edits the brief to make herself the only stakeholder, and fixes the timeline.
    await h.people.click(ANA, brief, 'Edit brief');
    const view = await waitFor(() => [...h.slack.store.views.values()].find((v) => v.userId === ANA && v.open), 'edit modal');
    const submitted = await h.people.submitView(ANA, view.id, { brief_stakeholders: { value: [ANA] }, brief_timeline: { value: 'July.' } });
    expect(submitted.status).toBe(200);
    expect((submitted.body as { response_action?: string } | undefined)?.response_action).toBeUndefined();
    // The rest of her edit is saved; the stakeholder list is not, and she is told why.
    expect((await project()).brief).toMatchObject({ timeline: 'July.', stakeholders: [ANA, RAJ] });
    await waitFor(() => h.slack.store.ephemerals.find((e) => e.user === ANA && e.text.includes(`your new list went to <@${OWNER}> to confirm`)), 'proposal notice');
    const [proposal] = await h.database.db.select().from(stakeholderProposals);
    expect(proposal).toMatchObject({ proposedBy: ANA, stakeholders: [ANA], status: 'pending' });

    // Her gate towards retired has the owner among its voters; her Go alone retires nothing.
    expect(((await h.people.command(ANA, CH, 'gate router --to retired')).body as { text: string }).text).toContain('3 voters, quorum 2');
    await settle(h);
    const gate = lastGateMessage(h, CH);
    await vote(h, ANA, gate, 'Go');
    h.clock.advance(49 * 3_600_000);
    await settle(h);
    const [closed] = await h.database.db.select().from(gates).where(eq(gates.toPhase, 'retired'));
    expect(closed).toMatchObject({ status: 'closed', outcome: 'no_quorum' });
    expect((await project()).phase).toBe('design');

    // The proposal reached the owner as a direct message; only the owner's click decides it.
    const dm = await waitFor(() => h.slack.store.channelMessages(`D${OWNER.slice(1)}`).find((m) => m.text.startsWith('Stakeholder change proposed for router')), 'proposal DM');
    await h.people.click(RAJ, dm, 'Confirm stakeholders');
    await waitFor(() => h.slack.store.ephemerals.find((e) => e.user === RAJ && e.text.includes('Only the owner of *router*')), 'refusal');
    expect((await project()).brief).toMatchObject({ stakeholders: [ANA, RAJ] });
    await h.people.click(OWNER, dm, 'Confirm stakeholders');
    await waitFor(async () => ((await project()).brief as { stakeholders: string[] }).stakeholders.length === 1, 'stakeholders changed');
    expect((await project()).brief).toMatchObject({ stakeholders: [ANA], timeline: 'July.' });
    const audit = await h.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'stakeholders.confirmed'), eq(auditLog.actorId, OWNER)));
    expect(audit).toHaveLength(1);
    await waitFor(() => steps.textOf(h.slack.store.find(dm.channel, dm.ts)!).includes(`Confirmed by <@${OWNER}>`), 'DM shows the decision');
    await settle(h);
    await waitFor(() => !steps.textOf(h.slack.store.find(CH, brief.ts)!).includes(`<@${RAJ}>`), 'brief message shows the new list');
  });
});
