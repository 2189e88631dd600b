import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/db/client.js';
import type { ProjectRow } from '../../src/db/repositories/projects.js';
import { findCheckin } from '../../src/db/repositories/viability.js';
import { gates, outbox, viabilityCheckins, viabilityResponses } from '../../src/db/schema/index.js';
import { answerCheckin } from '../../src/services/viability/answer.js';
import { closeViabilityCheckin } from '../../src/services/viability/close.js';
import { openAiLlm } from '../../src/llm/llm.js';
import type { TimerRow } from '../../src/db/repositories/schedules.js';
import type { StoredMessage } from '../../src/sandbox/emulator/store.js';
import { TestClock, waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { checkinSteps } from '../helpers/checkins.js';
import { type ChatReply, FakeOpenAi } from '../helpers/openai-server.js';

const OWNER = 'U0OWNER';
const [ANA, BEN, CAY] = ['U0ANA', 'U0BEN', 'U0CAY'];
const HOUR = 3_600_000;

/** A check-in's life through the emulator: answers, comment modal, close, summary, escalation. */
describe.each(databaseKinds())('viability check-ins through the emulator (%s)', (kind) => {
  let h: Harness;
  let llmReply: ChatReply = 'Confidence is mixed; labels arriving late is the main concern.';
  const fakeLlm = new FakeOpenAi(() => llmReply);
  const clock = new TestClock();
  beforeAll(async () => {
    await fakeLlm.start();
    h = await bootApp(kind, { clock });
  });
  afterAll(async () => {
    await h?.close();
    await fakeLlm.close();
  });

  const { project, command, tick, checkins, fresh, replies, ephemeralsTo, blocksText, answer, waitForText: waitForTally, postNow } = checkinSteps(() => h, clock);
  const latestCheckin = (p: ProjectRow) => checkins(p).at(-1)!;
  const openComment = async (user: string, m: StoredMessage) => {
    const before = h.slack.store.views.size;
    await h.people.click(user, m, 'Add comment');
    await waitFor(() => h.slack.store.views.size > before, 'the comment modal');
    return [...h.slack.store.views.keys()].at(-1)!;
  };

  it('collects one changeable answer per person, with a live tally and a comment modal', async () => {
    const p = await project('fraud-model');
    const msg = await postNow(p);
    expect(blocksText(msg)).toContain('Is the project still viable? Is it delivering value?');

    await answer(ANA, msg, 'On track');
    await answer(BEN, msg, 'At risk');
    await answer(CAY, msg, 'Not viable');
    await answer(BEN, fresh(msg), 'Not viable');
    expect(ephemeralsTo(BEN).at(-1)).toContain('You answered *Not viable*');
    await waitForTally(msg, 'On track 1 · At risk 0 · Not viable 2');
    const rows = await h.database.db.select().from(viabilityResponses);
    expect(rows.filter((r) => [ANA, BEN, CAY].includes(r.userId))).toHaveLength(3);

    const viewId = await openComment(ANA, fresh(msg));
    const view = h.slack.store.views.get(viewId)!;
    expect(view.userId).toBe(ANA);
    expect(JSON.stringify(view.view.blocks)).toContain('"initial_option":{"text":{"type":"plain_text","text":"On track"},"value":"on_track"}');
    const res = await h.people.submitView(ANA, viewId, { viability_answer: { viability_answer: 'at_risk' }, viability_comment: { viability_comment: 'Labels arrive two weeks late' } });
    expect(res.body).toBeFalsy();
    await waitForTally(msg, 'On track 0 · At risk 1 · Not viable 2');
  });

  it('when the window closes: a summary in the thread, the buttons gone, a continue/stop proposal for a Not viable majority', async () => {
    const p = (await h.database.db.query.projects.findFirst({ where: (t, { eq: e }) => e(t.slug, 'fraud-model') }))!;
    const msg = latestCheckin(p);
    // What a person still sees on a screen that has not refreshed yet: the buttons.
    const stale = structuredClone(msg);
    await h.app.jobs.tick(clock.advance(24 * HOUR));
    await tick();
    const [summary, proposal] = replies(msg);
    expect(summary!.text).toContain('closed: Not viable (3 answers)');
    expect(blocksText(summary!)).toContain('At risk: *1*');
    expect(blocksText(summary!)).toContain('Not viable: *2*');
    expect(blocksText(summary!)).toContain('<@U0ANA> (At risk): Labels arrive two weeks late');
    expect(blocksText(summary!)).not.toContain('generated');
    expect(blocksText(fresh(msg))).toContain('result: *Not viable*');
    expect(blocksText(fresh(msg))).not.toContain('"type":"button"');
    expect(blocksText(proposal!)).toContain('A majority answered *Not viable*');

    // Late answers are refused, with the reason; nothing changes.
    await answer(CAY, stale, 'On track');
    expect(ephemeralsTo(CAY).at(-1)).toContain('This check-in closed');
    await answer(CAY, stale, 'Add comment');
    expect(ephemeralsTo(CAY).at(-1)).toContain('This check-in closed');
    const [cay] = await h.database.db.select().from(viabilityResponses).where(eq(viabilityResponses.userId, CAY));
    expect(cay!.answer).toBe('not_viable');

    // The continue/stop gate is a real gate towards retired, voted on by the brief's stakeholders and the owner.
    await answer(OWNER, proposal!, 'Open continue/stop gate');
    expect(ephemeralsTo(OWNER).at(-1)).toMatch(/^Opened a go\/no-go gate for fraud-model \(.* → retired\) in <#C0FRAUDMODEL>: 4 voters/);
    const [gate] = await h.database.db.select().from(gates).where(eq(gates.projectId, p.id));
    expect(gate).toMatchObject({ toPhase: 'retired', openedBy: OWNER, question: 'Continue or stop fraud-model?', reason: expect.stringContaining('Viability check-in: ') });

    const status = ((await h.people.command(OWNER, p.channelId, 'status fraud-model')).body as { blocks: unknown[] }).blocks;
    expect(JSON.stringify(status)).toContain('Not viable');
  });

  it('a modal submitted after the window closed is refused inside the modal', async () => {
    const p = await project('late-model');
    const msg = await postNow(p, '--window 1h');
    const viewId = await openComment(ANA, msg);
    await h.app.jobs.tick(clock.advance(HOUR));
    const res = await h.people.submitView(ANA, viewId, { viability_answer: { viability_answer: 'on_track' } });
    expect(res.body).toMatchObject({ response_action: 'errors', errors: { viability_comment: expect.stringContaining('This check-in closed') } });
  });

  it('At risk once proposes nothing; At risk in the next check-in too proposes the continue/stop gate', async () => {
    const p = await project('ads-model');
    const first = await postNow(p, '--window 1h');
    await answer(ANA, first, 'At risk');
    await answer(BEN, first, 'On track');
    await h.app.jobs.tick(clock.advance(HOUR));
    await tick();
    expect(replies(first).map((r) => r.text)).toEqual([expect.stringContaining('closed: At risk')]);

    const second = await postNow(p, '--window 1h');
    expect(blocksText(second)).toContain('Last check-in');
    await answer(ANA, second, 'At risk');
    await h.app.jobs.tick(clock.advance(HOUR));
    await tick();
    const [, proposal] = replies(second);
    expect(blocksText(proposal!)).toContain('second check-in in a row');
    const rows = await h.database.db.select().from(viabilityCheckins).where(eq(viabilityCheckins.projectId, p.id));
    expect(rows.map((r) => [r.verdict, r.escalated])).toEqual([
      ['at_risk', false],
      ['at_risk', true],
    ]);
  });

  it('check-ins queued while Slack fails (500s, then 429s) each reach the channel exactly once afterwards', async () => {
    const projects = [await project('outage-a'), await project('outage-b'), await project('outage-c')];
    h.slack.injectFault({ method: 'chat.postMessage', times: 4, status: 500 });
    h.slack.injectFault({ method: 'chat.postMessage', times: 3, status: 429, retryAfter: 2 });
    for (const p of projects) expect(await command(`${p.slug} now --window 1h`)).toContain('Posting a viability check-in');
    for (let i = 0; i < 30; i++) await tick();
    for (const p of projects) {
      expect(h.slack.store.channelMessages(p.channelId).filter((m) => m.text.startsWith('Viability check-in for'))).toHaveLength(1);
    }
    expect(h.slack.store.callsTo('chat.postMessage').filter((c) => c.status !== 200)).toHaveLength(7);
  });

  it('with an LLM, the summary adds a synthesis labelled as generated; when the LLM fails, the summary comes without it', async () => {
    h.app.deps.llm = openAiLlm({ apiKey: 'test', baseURL: fakeLlm.url, model: 'test-model', timeoutMs: 5000 });
    try {
      const p = await project('llm-model');
      const msg = await postNow(p, '--window 1h');
      const viewId = await openComment(ANA, msg);
      await h.people.submitView(ANA, viewId, { viability_answer: { viability_answer: 'on_track' }, viability_comment: { viability_comment: 'Uplift is real' } });
      await h.app.jobs.tick(clock.advance(HOUR));
      await tick();
      const [summary] = replies(msg);
      expect(blocksText(summary!)).toContain('Confidence is mixed');
      expect(blocksText(summary!)).toContain('generated by an LLM');
      expect(fakeLlm.requests.at(-1)!.messages.at(-1)!.content).toContain('Uplift is real');

      llmReply = { status: 500 };
      const again = await postNow(p, '--window 1h');
      const viewId2 = await openComment(ANA, again);
      await h.people.submitView(ANA, viewId2, { viability_answer: { viability_answer: 'on_track' }, viability_comment: { viability_comment: 'Still fine' } });
      await h.app.jobs.tick(clock.advance(HOUR));
      await tick();
      const [plain] = replies(again);
      expect(blocksText(plain!)).toContain('Still fine');
      expect(blocksText(plain!)).not.toContain('generated');
    } finally {
      h.app.deps.llm = null;
    }
  });

  it('a tally refresh that goes out after the check-in closed shows the closed state, never the buttons', async () => {
    const p = await project('race-model');
    const msg = await postNow(p, '--window 1h');
    const updatesBefore = h.slack.store.callsTo('chat.update').length;
    const stale = structuredClone(msg);
    await answer(ANA, msg, 'On track');
    await answer(BEN, msg, 'At risk');
    // The refresh is queued in the outbox, not sent from the click: one row however many answers.
    const pending = await h.database.db.select().from(outbox).where(and(eq(outbox.method, 'chat.update'), eq(outbox.status, 'pending'), sql`${outbox.dedupeKey} is null`));
    expect(pending).toHaveLength(1);
    expect(h.slack.store.callsTo('chat.update').length).toBe(updatesBefore);
    // The window ends before any outbox pass: the close timer runs first, then the queued refresh goes out.
    await h.app.jobs.tick(clock.advance(HOUR));
    await tick();
    const updates = h.slack.store.callsTo('chat.update').slice(updatesBefore);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    for (const u of updates) {
      expect(JSON.stringify(u)).not.toContain('"type":"button"');
      expect(JSON.stringify(u)).toContain('result: *At risk*');
    }
    expect(blocksText(fresh(msg))).toContain('On track 1 · At risk 1 · Not viable 0');
    expect(blocksText(fresh(msg))).not.toContain('"type":"button"');
    // Answers after the close queue nothing more.
    await answer(CAY, stale, 'Not viable');
    expect(ephemeralsTo(CAY).at(-1)).toContain('This check-in closed');
    await tick();
    expect(h.slack.store.callsTo('chat.update').slice(updatesBefore)).toHaveLength(updates.length);
  });

  it.runIf(kind === 'postgres')('an answer in flight when the window closes is counted in the summary, not lost', async () => {
    const p = await project('inflight-model');
    const msg = await postNow(p, '--window 1h');
    const checkinId = Number(JSON.stringify(msg.blocks).match(/"value":"(\d+)"/)![1]);
    await answer(ANA, msg, 'On track');
    // Holding Ana's response row makes the real answer verb stop half-way: after it has locked the
    // check-in for share, before its upsert of her changed answer can finish.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const rowHeld = new Promise<void>((r) => (locked = r));
    const holding = h.database.db.transaction(async (tx) => {
      await tx.select().from(viabilityResponses).where(and(eq(viabilityResponses.checkinId, checkinId), eq(viabilityResponses.userId, ANA))).for('update');
      locked();
      await held;
    });
    await rowHeld;
    const waiting = async () => {
      const r = await h.database.db.execute(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
      return Number(rowsOf<{ n: number }>(r)[0]!.n);
    };
    const answering = answerCheckin(h.app.deps, { teamId: h.slack.teamId, checkinId, userId: ANA, answer: 'not_viable', comment: 'Blocked on data access' });
    await waitFor(async () => (await waiting()) === 1, 'the answer to wait in its transaction');
    const now = clock.advance(HOUR);
    const timer = { teamId: h.slack.teamId, payload: { checkinId } } as unknown as TimerRow;
    let done = false;
    const closing = closeViabilityCheckin(h.app.deps, { timer, now }).then(() => (done = true));
    await waitFor(async () => done || (await waiting()) === 2, 'the close to wait for the answer');
    // The close waits for the answer's transaction instead of taking the tally without it.
    expect(done).toBe(false);
    release();
    await holding;
    expect(await answering).toMatchObject({ ok: true });
    await closing;
    const closed = (await findCheckin(h.database.db, h.slack.teamId, checkinId))!;
    expect(closed.verdict).toBe('not_viable');
    expect(closed.counts).toEqual({ on_track: 0, at_risk: 0, not_viable: 1 });
    await tick();
    const [summary] = replies(msg);
    expect(summary!.text).toContain('closed: Not viable (1 answers)');
    expect(blocksText(summary!)).toContain('Blocked on data access');
  });
});
