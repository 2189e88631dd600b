import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/app.js';
import { outbox } from '../../src/db/schema/index.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { buttonLabels, CHANNEL, lastGateMessage, makeProject, OWNER, settle, tallySection, vote } from '../helpers/gates.js';
import { bootApp, type Harness } from '../helpers/harness.js';

/**
 * Two replicas deliver the outbox. One draws a gate's live tally while the gate is open and its
 * chat.update is slow to reach Slack; meanwhile the gate closes and the other replica is free to
 * deliver. The final message must show the close, never the stale "open" tally with its buttons.
 */
describe.each(databaseKinds())('a gate message never goes back to open (%s)', (kind) => {
  let h: Harness;
  let other: RunningApp;
  beforeAll(async () => {
    h = await bootApp(kind);
    other = await h.replica();
  });
  afterAll(async () => h?.close());

  it('a slow live-tally update drawn before the close lands before the final update, not after it', async () => {
    const voters = ['U0ORD1', 'U0ORD2', 'U0ORD3'];
    await makeProject(h, 'ordered', { stakeholders: voters });
    await h.people.command(OWNER, CHANNEL, 'gate ordered --deadline 48h');
    await settle(h);
    const msg = lastGateMessage(h);

    await vote(h, voters[0]!, msg, 'Go');
    // The next chat.update takes 1.5 s to reach Slack: this replica's live tally ("1 of 3", open).
    h.slack.injectFault({ method: 'chat.update', times: 1, delayMs: 1500 });
    const slowPass = h.app.jobs.tick(h.clock.advance(2000));
    await waitFor(async () => (await h.database.db.select().from(outbox).where(eq(outbox.status, 'sending'))).length > 0, 'the live tally in flight');

    // The last two votes close the gate while that update is in flight; the other replica delivers.
    await vote(h, voters[1]!, msg, 'Go');
    await vote(h, voters[2]!, msg, 'Go');
    await other.jobs.tick(h.clock.advance(2000));
    await slowPass;
    for (let i = 0; i < 4; i++) {
      await other.jobs.tick(h.clock.advance(2000));
      await h.app.jobs.tick(h.clock.now());
    }

    expect(tallySection(msg)).toContain('Closed: GO');
    expect(buttonLabels(msg)).toEqual([]);
  }, 30_000);
});
