import { expect } from 'vitest';
import { createProject, type ProjectRow } from '../../src/db/repositories/projects.js';
import type { StoredMessage } from '../../src/sandbox/emulator/store.js';
import { type TestClock, waitFor } from './clock.js';
import type { Harness } from './harness.js';

export const CHECKIN_OWNER = 'U0OWNER';
export const CHECKIN_STAKEHOLDERS = ['U0ANA', 'U0BEN', 'U0CAY'];

/**
 * What the check-in tests do through the emulator, for a harness booted in `beforeAll` (hence the
 * getter): projects owned by CHECKIN_OWNER, `/mlops viability` as the owner, the job runner ticked
 * on the test clock, and the check-in messages and answers as people see them.
 */
export function checkinSteps(harness: () => Harness, clock: TestClock) {
  const h = harness;
  const command = async (text: string) => ((await h().people.command(CHECKIN_OWNER, 'C0ELSEWHERE', `viability ${text}`)).body as { text: string }).text;
  const tick = (ms = 1000) => h().app.jobs.tick(clock.advance(ms));
  const checkins = (p: ProjectRow) => h().slack.store.channelMessages(p.channelId).filter((m) => m.text.startsWith('Viability check-in for'));
  const fresh = (m: StoredMessage) => h().slack.store.find(m.channel, m.ts)!;
  const ephemeralsTo = (user: string) => h().slack.store.ephemerals.filter((e) => e.user === user).map((e) => e.text);
  const blocksText = (m: StoredMessage) => JSON.stringify(m.blocks);
  return {
    command,
    tick,
    checkins,
    fresh,
    ephemeralsTo,
    blocksText,
    replies: (m: StoredMessage) => h().slack.store.threadReplies(m.channel, m.ts),
    project: async (slug: string, stakeholders = CHECKIN_STAKEHOLDERS): Promise<ProjectRow> =>
      (await createProject(h().database.db, { teamId: h().slack.teamId, slug, channelId: `C0${slug.toUpperCase().replace(/-/g, '')}`, ownerId: CHECKIN_OWNER, brief: { stakeholders }, now: clock.now() }))!,
    // Bolt acks first and answers after: wait for what the person would see next.
    answer: async (user: string, m: StoredMessage, label: string) => {
      const before = ephemeralsTo(user).length;
      await h().people.click(user, m, label);
      await waitFor(() => ephemeralsTo(user).length > before, `${user}'s answer confirmation`);
      return ephemeralsTo(user).at(-1)!;
    },
    // The message is redrawn through the outbox: each pass may send the update.
    waitForText: (m: StoredMessage, text: string) =>
      waitFor(async () => {
        await tick(500);
        return blocksText(fresh(m)).includes(text);
      }, text),
    postNow: async (p: ProjectRow, window = '') => {
      expect(await command(`${p.slug} now ${window}`.trim())).toContain(`Posting a viability check-in for *${p.slug}*`);
      await tick();
      return checkins(p).at(-1)!;
    },
  };
}
