/**
 * The app side of bench/slack-ack.ts, in its own process: the whole app (single-workspace mode,
 * Bolt's listeners and middleware, the database — PostgreSQL when TEST_DATABASE_URL is set, else
 * PGlite) against the in-repo Slack emulator, on the real clock. Reports its URL, then its CPU time
 * whenever asked.
 */
import { bootApp, SIGNING_SECRET } from '../test/helpers/harness.js';
import { TestClock } from '../test/helpers/clock.js';

/** The real time: a run lasts longer than the 5-minute signature window of a frozen test clock. */
class LiveClock extends TestClock {
  override now(): Date {
    return new Date();
  }
}

const h = await bootApp(process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite', { clock: new LiveClock() });
process.on('message', (m: { type: string }) => {
  if (m.type === 'cpu') process.send!({ type: 'cpu', usage: process.cpuUsage() });
  else if (m.type === 'stop') void h.close().then(() => process.exit(0));
});
process.send!({ type: 'ready', url: h.app.url, teamId: h.slack.teamId, signingSecret: SIGNING_SECRET });
