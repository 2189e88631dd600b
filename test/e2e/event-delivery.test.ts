import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_LEASE_MS } from '../../src/services/slack-requests/mark-seen.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { SlowSlack } from '../helpers/slow-slack.js';

describe.each(databaseKinds())('Events API deliveries count as seen only once their listener finished (%s)', (kind) => {
  let h: Harness;
  let slow: SlowSlack;
  beforeAll(async () => {
    slow = await new SlowSlack().start();
    h = await bootApp(kind, { config: { slackApiUrl: slow.url } });
    slow.target = h.slack.apiUrl;
  });
  afterAll(async () => {
    await slow?.close();
    await h?.close();
  });

  const publishes = (user: string) => h.slack.store.callsTo('views.publish').filter((c) => c.ok && c.args.user_id === user).length;
  const homeOf = (user: string) => h.slack.store.homeViews.get(user);

  it('a listener that fails on the first delivery: Slack is told so (not 2xx), and its retry is processed', async () => {
    const user = 'U0FAIL';
    h.slack.injectFault({ method: 'views.publish', times: 1, error: 'internal_error' });
    const first = await h.people.openHome(user);
    // A 2xx would tell Slack the event was handled, and Slack would not send it again.
    expect(first.status).toBeGreaterThanOrEqual(500);
    expect(homeOf(user)).toBeUndefined();

    const retry = await h.people.openHome(user, { eventId: first.eventId, retryNum: 1, retryReason: 'http_error' });
    expect(retry.status).toBe(200);
    // The answer comes back once the listener has run: the Home tab is there already.
    expect(homeOf(user)).toBeDefined();
    expect(JSON.stringify(homeOf(user))).toContain('You have no projects yet');
  });

  it('the 200 goes back only after the listener finished; a retry meanwhile is not processed, and one after success is dropped', async () => {
    const user = 'U0SLOW';
    const eventId = 'Ev0SLOW0001';
    slow.hold('views.publish');
    let firstAnswered = false;
    const firstP = h.people.openHome(user, { eventId }).then((d) => {
      firstAnswered = true;
      return d;
    });
    await waitFor(() => slow.held('views.publish') === 1, 'the first delivery waiting on Slack');

    // Slack's http_timeout retry arrives while the first delivery is still running.
    const during = await h.people.openHome(user, { eventId, retryNum: 1, retryReason: 'http_timeout' });
    // Not processed, and not acknowledged either: should the first delivery fail, Slack's next retry still comes.
    expect(during.status).toBe(503);
    expect(firstAnswered).toBe(false);
    expect(publishes(user)).toBe(0);

    slow.release();
    const first = await firstP;
    expect(first.status).toBe(200);
    expect(first.eventId).toBe(eventId);
    expect(publishes(user)).toBe(1);

    // Slack's later retry of an event that was handled is acknowledged and dropped.
    const after = await h.people.openHome(user, { eventId, retryNum: 2, retryReason: 'http_timeout' });
    expect(after.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200)); // room for a wrongly processed retry to show up
    expect(publishes(user)).toBe(1);
  });

  it('a delivery whose instance stopped mid-listener (its lease ran out) is processed again on retry', async () => {
    const user = 'U0GONE';
    const eventId = 'Ev0GONE0001';
    slow.hold('views.publish');
    const firstP = h.people.openHome(user, { eventId });
    await waitFor(() => slow.held('views.publish') === 1, 'the first delivery waiting on Slack');

    h.clock.advance(EVENT_LEASE_MS + 1000);
    const retry = await h.people.openHome(user, { eventId, retryNum: 1, retryReason: 'http_timeout' });
    expect(retry.status).toBe(200);
    expect(publishes(user)).toBe(1);
    expect(homeOf(user)).toBeDefined();

    // The stalled first delivery finishing late does not make the event retryable again.
    slow.release();
    await firstP;
    const again = await h.people.openHome(user, { eventId, retryNum: 2, retryReason: 'http_timeout' });
    expect(again.status).toBe(200);
    expect(publishes(user)).toBe(2);
  });
});
