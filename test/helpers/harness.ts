import { type RunningApp, startApp, type StartOptions } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { type Database, openPostgres } from '../../src/db/client.js';
import { openAiLlm } from '../../src/llm/llm.js';
import { SlackPeople } from '../../src/sandbox/emulator/person.js';
import { SlackWebApiEmulator } from '../../src/sandbox/emulator/web-api.js';
import { TestClock } from './clock.js';
import { type DbKind, freshDatabase, type FreshDatabaseOptions } from './db.js';
import type { FakeOpenAi } from './openai-server.js';

export const SIGNING_SECRET = 'test-signing-secret';

export interface Harness {
  app: RunningApp;
  slack: SlackWebApiEmulator;
  people: SlackPeople;
  database: Database & { url?: string };
  clock: TestClock;
  /** Starts another app instance (a replica) on the same database and emulator. */
  replica(): Promise<RunningApp>;
  close(): Promise<void>;
}

export function testConfig(slack: SlackWebApiEmulator, overrides: Partial<Config> = {}): Config {
  return {
    slack: { kind: 'single', botToken: slack.botToken, signingSecret: SIGNING_SECRET },
    slackApiUrl: slack.apiUrl,
    dataDir: './data-test-unused',
    port: 0,
    minScheduleIntervalSeconds: 1,
    logLevel: process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'error',
    ...overrides,
  };
}

/**
 * The whole app on a random port, against a fresh database of `kind` and a fresh Slack emulator,
 * with a test clock (it starts at the real time, so Slack signatures verify) and jobs driven by the
 * test through `app.jobs.tick(now)`.
 */
export async function bootApp(kind: DbKind, opts: { llm?: FakeOpenAi; clock?: TestClock; config?: Partial<Config>; start?: Partial<StartOptions>; database?: FreshDatabaseOptions } = {}): Promise<Harness> {
  const slack = await new SlackWebApiEmulator().start();
  const database = await freshDatabase(kind, opts.database);
  const clock = opts.clock ?? new TestClock();
  const config = testConfig(slack, opts.config);
  const llm = opts.llm ? openAiLlm({ apiKey: 'test-key', baseURL: opts.llm.url, model: 'test-model', timeoutMs: 5000 }) : null;
  const base: StartOptions = { config, clock, database, llm, fastSlackRetries: true, runJobs: false, ...opts.start };
  const app = await startApp(base);
  const people = new SlackPeople(slack, app.url, SIGNING_SECRET, clock);
  const replicas: RunningApp[] = [];
  const ownPools: Database[] = [];
  return {
    app,
    slack,
    people,
    database,
    clock,
    async replica() {
      // On PostgreSQL a replica has its own connection pool, as a separate process would.
      const own = database.url ? openPostgres(database.url) : undefined;
      const r = await startApp({ ...base, database: own ?? database, instanceId: `replica-${replicas.length + 1}` });
      if (own) ownPools.push(own);
      replicas.push(r);
      return r;
    },
    async close() {
      for (const r of replicas) await r.stop();
      for (const p of ownPools) await p.close();
      await app.stop();
      await database.close();
      await slack.close();
    },
  };
}
