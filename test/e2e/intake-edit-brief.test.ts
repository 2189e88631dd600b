import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, projects, stakeholderProposals } from '../../src/db/schema/index.js';
import { designBriefMessage } from '../../src/messages/intake.js';
import type { StoredMessage } from '../../src/sandbox/emulator/store.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { projectWithTargets } from '../helpers/runs.js';

const CHANNEL = 'C0EDIT';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const BRIEF = {
  problem: 'Tickets are routed by hand.',
  whyMl: 'Rules route 40% right.',
  requirements: 'Route within a minute.',
  successMetrics: [{ name: 'auc', direction: 'maximize', target: 0.85 }],
  dataSources: 'Zendesk tickets.',
  stakeholders: [BOB],
  risks: 'Misrouted urgent tickets.',
  timeline: 'June.',
};

type Body = { response_action?: string; errors?: Record<string, string> } | undefined;

/** Edit brief: a closed modal means saved, and two people editing at once cannot overwrite each other. */
describe.each(databaseKinds())('Edit brief saves before the modal closes, on the version it was opened on (%s)', (kind) => {
  let h: Harness;
  let projectId: number;
  let message: StoredMessage;

  const project = async () => (await h.database.db.select().from(projects).where(eq(projects.id, projectId)))[0]!;
  const edits = async () => h.database.db.select().from(auditLog).where(and(eq(auditLog.projectId, projectId), eq(auditLog.action, 'brief.edited')));
  /** Clicks Edit brief on the Design brief message and returns the modal it opened. */
  const openModal = async (user: string) => {
    const before = new Set(h.slack.store.views.keys());
    await h.people.click(user, message, 'Edit brief');
    return waitFor(() => [...h.slack.store.views.entries()].find(([id, v]) => !before.has(id) && v.userId === user && v.open)?.[0], `${user}'s modal`);
  };
  const flush = async () => {
    for (let i = 0; i < 3; i++) await h.app.jobs.tick(h.clock.now());
  };

  beforeAll(async () => {
    h = await bootApp(kind);
    h.slack.addUser(ALICE, 'alice');
    h.slack.addUser(BOB, 'bob');
    const row = await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'router', channelId: CHANNEL, ownerId: ALICE, now: h.clock.now() });
    projectId = row.id;
    const shown = designBriefMessage({ slug: 'router', projectId, brief: BRIEF as never, requesterId: ALICE });
    message = h.slack.addMessage({ channel: CHANNEL, botId: h.slack.botId, user: h.slack.botUserId, text: shown.text, blocks: shown.blocks as never });
  });
  beforeEach(async () => {
    await h.database.db.update(projects).set({ brief: BRIEF }).where(eq(projects.id, projectId));
  });
  afterAll(async () => h?.close());

  it('two people save edits opened on the same version at once: exactly one is saved, the other is told who changed it and saves nothing', async () => {
    const [aliceView, bobView] = [await openModal(ALICE), await openModal(BOB)];
    const [alice, bob] = await Promise.all([
      h.people.submitView(ALICE, aliceView, { brief_timeline: { value: 'July, says Alice.' } }),
      h.people.submitView(BOB, bobView, { brief_timeline: { value: 'August, says Bob.' }, brief_risks: { value: 'Bob’s risks.' } }),
    ]);
    const bodies = [alice.body as Body, bob.body as Body];
    const refused = bodies.filter((b) => b?.response_action === 'errors');
    expect(refused).toHaveLength(1);
    const winner = bodies[0]?.response_action === 'errors' ? 'bob' : 'alice';
    const error = Object.values(refused[0]!.errors!)[0]!;
    expect(error).toBe(`${winner} changed the brief while you were editing; reopen Edit brief to see their changes. Nothing was saved.`);

    const saved = (await project()).brief as typeof BRIEF;
    if (winner === 'alice') expect(saved).toMatchObject({ timeline: 'July, says Alice.', risks: BRIEF.risks });
    else expect(saved).toMatchObject({ timeline: 'August, says Bob.', risks: 'Bob’s risks.' });
    expect(await edits()).toHaveLength(1);
    // The refused modal stays open; reopened, it shows the winner's edit and saves on top of it.
    const loser = winner === 'alice' ? BOB : ALICE;
    const again = await openModal(loser);
    const timeline = (h.slack.store.views.get(again)!.view.blocks ?? []).find((b) => b.block_id === 'brief_timeline') as unknown as { element: { initial_value: string } };
    expect(timeline.element.initial_value).toBe(saved.timeline);
    const retry = await h.people.submitView(loser, again, { brief_requirements: { value: 'Route within thirty seconds.' } });
    expect((retry.body as Body)?.response_action).toBeUndefined();
    expect((await project()).brief).toMatchObject({ timeline: saved.timeline, requirements: 'Route within thirty seconds.' });
    expect(await edits()).toHaveLength(2);
  });

  it('a modal opened before someone else saved is refused even when its own save comes much later', async () => {
    const stale = await openModal(ALICE);
    const fresh = await openModal(BOB);
    expect((await h.people.submitView(BOB, fresh, { brief_timeline: { value: 'Bob first.' } })).body as Body).toBeFalsy();
    const late = await h.people.submitView(ALICE, stale, { brief_timeline: { value: 'Alice later.' } });
    expect((late.body as Body)?.response_action).toBe('errors');
    expect(Object.values((late.body as Body)!.errors!)[0]).toContain('bob changed the brief while you were editing; reopen Edit brief to see their changes');
    expect((await project()).brief).toMatchObject({ timeline: 'Bob first.' });
  });

  it('a save that fails keeps the modal open with the reason and writes nothing; a closed modal means the brief and its message are saved', async () => {
    // Bob is a stakeholder, not the owner: his new stakeholder list becomes a proposal sent to Alice
    // in a direct message, which cannot be opened now.
    h.slack.injectFault({ method: 'conversations.open', error: 'fatal_error', times: 1 });
    const view = await openModal(BOB);
    const failed = await h.people.submitView(BOB, view, { brief_timeline: { value: 'Never saved.' }, brief_stakeholders: { value: [BOB, ALICE] } });
    expect(failed.status).toBe(200);
    expect((failed.body as Body)?.response_action).toBe('errors');
    expect(Object.values((failed.body as Body)!.errors!)[0]).toContain('could not be saved, and nothing was changed');
    expect((await project()).brief).toMatchObject({ timeline: BRIEF.timeline, stakeholders: [BOB] });
    expect(await h.database.db.select().from(stakeholderProposals).where(eq(stakeholderProposals.projectId, projectId))).toHaveLength(0);
    expect(h.slack.store.views.get(view)!.open).toBe(true);

    const ok = await h.people.submitView(BOB, view, { brief_timeline: { value: 'Saved at last.' } });
    expect((ok.body as Body)?.response_action).toBeUndefined();
    expect((await project()).brief).toMatchObject({ timeline: 'Saved at last.' });
    // The Design brief message shows the saved brief, through the outbox.
    await flush();
    expect(JSON.stringify(message.blocks)).toContain('Saved at last.');
    expect(message.edited).toBe(true);
  });
});
