import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projects } from '../../src/db/schema/index.js';
import { BRIEF_FIELD_INFO } from '../../src/domain/intake/brief.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness, SIGNING_SECRET } from '../helpers/harness.js';
import { intakeSteps } from './intake-steps.js';

const ALICE = 'U0ALICE';

/**
 * An answer in an intake thread is stored while Slack's event is handled; reading it and asking the
 * next question is durable work (a timer, then the outbox), so neither a Slack failure nor the
 * instance dying after the answer was stored leaves the conversation stuck.
 */
describe.each(databaseKinds())('intake answers are durable work (%s)', (kind) => {
  let h: Harness;
  let steps: ReturnType<typeof intakeSteps>;

  const brief = async (slug: string) => (await h.database.db.select().from(projects).where(eq(projects.slug, slug)))[0]!.brief as Record<string, unknown>;
  /** Job passes on `app`, the clock moving past the outbox's retry backoff between them. */
  const runJobs = async (passes = 4) => {
    for (let i = 0; i < passes; i++) {
      await steps.jobs();
      h.clock.advance(60_000);
    }
  };

  beforeAll(async () => {
    h = await bootApp(kind);
    steps = intakeSteps(h);
  });
  afterAll(async () => h?.close());

  it('Slack failing with 5xx when the next question goes out: the answer is kept and the question is asked, once, when Slack recovers', async () => {
    const { root } = await steps.start(ALICE, 'C0FLAKY', 'flaky-slack');
    h.slack.injectFault({ method: 'chat.postMessage', status: 500, times: 60 });
    const res = await h.people.say(ALICE, 'C0FLAKY', 'Support agents route tickets by hand.', root.ts);
    expect(res.status).toBe(200);
    await steps.jobs();
    // Whatever was tried while Slack failed has failed by now.
    await new Promise((r) => setTimeout(r, 300));
    expect(steps.botReplies('C0FLAKY', root.ts)).toHaveLength(1);
    h.slack.clearFaults();
    await runJobs();
    const asked = steps.botReplies('C0FLAKY', root.ts).map((m) => m.text);
    expect(asked).toEqual([BRIEF_FIELD_INFO.problem.question, BRIEF_FIELD_INFO.whyMl.question]);
    expect(await brief('flaky-slack')).toMatchObject({ problem: 'Support agents route tickets by hand.' });
  });

  it('/mlops intake while Slack answers 500 after posting: the thread root and first question are in the channel once each when Slack recovers', async () => {
    h.slack.injectFault({ method: 'chat.postMessage', status: 500, times: 2, afterActing: true });
    const ack = (await h.people.command(ALICE, 'C0SHAKY', 'intake shaky-start')).body as { text: string };
    expect(ack.text).toContain('Starting the design intake for `shaky-start`');
    await runJobs();
    const roots = h.slack.store.channelMessages('C0SHAKY').filter((m) => m.text.startsWith('Design intake for'));
    expect(roots).toHaveLength(1);
    expect(steps.botReplies('C0SHAKY', roots[0]!.ts).map((m) => m.text)).toEqual([BRIEF_FIELD_INFO.problem.question]);
    // The thread works: an answer in it is read and the next question asked.
    await steps.answer(ALICE, 'C0SHAKY', roots[0]!.ts, 'Tickets are routed by hand.');
    expect(steps.lastQuestion('C0SHAKY', roots[0]!.ts).text).toBe(BRIEF_FIELD_INFO.whyMl.question);
  });

  it('when Slack refuses the thread root for good (the bot is not in the channel), the slug is free again and the person is told how to fix it', async () => {
    h.slack.injectFault({ method: 'chat.postMessage', times: 1, error: 'not_in_channel' });
    await h.people.command(ALICE, 'C0NOBOT', 'intake no-bot-here');
    await runJobs();
    expect(h.slack.store.channelMessages('C0NOBOT')).toEqual([]);
    expect(await h.database.db.select().from(projects).where(eq(projects.slug, 'no-bot-here'))).toEqual([]);
    const told = h.slack.store.ephemerals.filter((e) => e.user === ALICE && e.channel === 'C0NOBOT').map((e) => e.text);
    expect(told.at(-1)).toContain('Slack said `not_in_channel`');
    expect(told.at(-1)).toContain('/invite @mlops');
    // Invited, the same slug starts.
    const { root } = await steps.start(ALICE, 'C0NOBOT', 'no-bot-here');
    expect(root.text).toContain('no-bot-here');
  });

  // Last in the file: it stops the harness's app.
  it('the instance that received an answer stops before reading it: another instance reads it and asks the next question', async () => {
    const { root } = await steps.start(ALICE, 'C0CRASH', 'crash-after-ack');
    const res = await h.people.say(ALICE, 'C0CRASH', 'Stores over-order fresh food.', root.ts);
    expect(res.status).toBe(200);
    await h.app.stop();
    const next = await h.replica();
    h.people.connect(next.url, SIGNING_SECRET);
    steps.use(next);
    await runJobs();
    expect(steps.botReplies('C0CRASH', root.ts).map((m) => m.text)).toEqual([BRIEF_FIELD_INFO.problem.question, BRIEF_FIELD_INFO.whyMl.question]);
    expect(await brief('crash-after-ack')).toMatchObject({ problem: 'Stores over-order fresh food.' });
    // The conversation carries on on the new instance.
    const reply = await steps.answer(ALICE, 'C0CRASH', root.ts, 'Forecasts from moving averages miss seasonality.');
    expect(reply.text).toBe(BRIEF_FIELD_INFO.requirements.question);
  });
});
