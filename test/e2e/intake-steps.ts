import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { RunningApp } from '../../src/app.js';
import { intakes, outbox } from '../../src/db/schema/index.js';
import type { StoredMessage } from '../../src/sandbox/emulator/store.js';
import { waitFor } from '../helpers/clock.js';
import type { Harness } from '../helpers/harness.js';

/** What a person does in an intake thread, and what they see, through the emulator. */
export function intakeSteps(h: Harness) {
  // The instance whose job runner reads stored answers and delivers the outbox (a replica after a restart).
  let jobsOn: RunningApp = h.app;
  const jobs = () => jobsOn.jobs.tick(h.clock.now());
  const botReplies = (channel: string, rootTs: string) => h.slack.store.threadReplies(channel, rootTs).filter((m) => m.botId);
  const textOf = (m: StoredMessage) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

  return {
    botReplies,
    textOf,
    jobs,
    /** Runs jobs on `app` from now on. */
    use(app: RunningApp): void {
      jobsOn = app;
    },
    /** `/mlops intake …`; returns the ack text and the thread root once it is posted. */
    async start(user: string, channel: string, args: string): Promise<{ ack: string; root: StoredMessage }> {
      const res = await h.people.command(user, channel, `intake ${args}`);
      const ack = (res.body as { text: string }).text;
      // The thread is queued with the intake and posted by the job runner.
      const root = await waitFor(async () => (await jobs(), h.slack.store.channelMessages(channel).find((m) => m.botId && m.text.startsWith('Design intake for') && m.text.includes(args.split(' ')[0]!))), 'intake thread root');
      await waitFor(async () => (await jobs(), botReplies(channel, root.ts).length > 0), 'first question');
      return { ack, root };
    },
    lastQuestion(channel: string, rootTs: string): StoredMessage {
      const replies = botReplies(channel, rootTs);
      return replies[replies.length - 1]!;
    },
    /** Answers in the thread and waits for the bot's next message there. */
    async answer(user: string, channel: string, rootTs: string, text: string): Promise<StoredMessage> {
      const before = botReplies(channel, rootTs).length;
      const res = await h.people.say(user, channel, text, rootTs);
      expect(res.status).toBe(200);
      // The answer is stored while the event is handled; the job runner asks the next question.
      await waitFor(async () => {
        await jobs();
        return botReplies(channel, rootTs).length > before;
      }, `bot reply to "${text.slice(0, 30)}"`);
      return botReplies(channel, rootTs)[before]!;
    },
    /** Waits until the Design brief message is sent and its ts stored (the last write of an intake), so closing the database cannot cut it off. */
    async briefStored(rootTs: string): Promise<void> {
      await waitFor(async () => {
        await jobs();
        const [intake] = await h.database.db.select().from(intakes).where(eq(intakes.threadTs, rootTs));
        if (!intake) return false;
        const [row] = await h.database.db.select().from(outbox).where(eq(outbox.dedupeKey, `intake-brief:${intake.id}`));
        return row?.ts ?? false;
      }, 'brief ts stored');
    },
    briefMessage(channel: string, rootTs: string): StoredMessage | undefined {
      return botReplies(channel, rootTs).find((m) => (m.blocks ?? []).some((b) => b.type === 'header' && (b.text as { text: string }).text === 'Design brief'));
    },
  };
}
