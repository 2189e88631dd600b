import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { DbKind } from './db.js';
import { bootApp, type Harness } from './harness.js';

/**
 * The shared setup of the outbox tests: the whole app on a fresh database of `kind`, booted once,
 * and before each test a channel of its own and no Slack faults left over from the test before.
 * `use` receives the harness and that test's channel.
 */
export function outboxTestBed(kind: DbKind, channelPrefix: string, use: (h: Harness, channel: string) => void): void {
  let h: Harness | undefined;
  let seq = 0;
  beforeAll(async () => {
    h = await bootApp(kind);
  });
  afterAll(async () => h?.close());
  beforeEach(() => {
    h!.slack.clearFaults();
    use(h!, `${channelPrefix}${++seq}`);
  });
}
