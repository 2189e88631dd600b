import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import express from 'express';
import { registerApi } from './api/router.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db/client.js';
import type { Deps } from './deps.js';
import { healthRoutes } from './http/health.js';
import { jobRegistry } from './jobs/index.js';
import type { JobRegistry } from './jobs/registry.js';
import { createJobRunner, type JobRunner } from './jobs/runner.js';
import { type Llm, openAiLlm } from './llm/llm.js';
import { consoleLogger, type Logger } from './logger.js';
import { createSlackApp } from './slack/app.js';
import { slackClients } from './slack/clients.js';
import { openGateOnRequest } from './services/gates/opener.js';

export interface StartOptions {
  config: Config;
  clock?: Clock;
  log?: Logger;
  /** An already-open database (tests); otherwise opened from the config. */
  database?: Database;
  /** Overrides the LLM built from the config (null: deterministic mode). */
  llm?: Llm | null;
  /** Slack Web API retries in seconds rather than minutes (tests). */
  fastSlackRetries?: boolean;
  /** Start the once-a-second job heartbeat (default true). Tests drive `jobs.tick(now)` instead. */
  runJobs?: boolean;
  jobs?: JobRegistry;
  instanceId?: string;
}

export interface RunningApp {
  url: string;
  port: number;
  deps: Deps;
  database: Database;
  slack: App;
  jobs: JobRunner;
  stop(): Promise<void>;
}

/** The composition root: config → database, clock, LLM, Slack → listeners, API, jobs, HTTP server. */
export async function startApp(opts: StartOptions): Promise<RunningApp> {
  const { config } = opts;
  const log = opts.log ?? consoleLogger(config.logLevel);
  const database = opts.database ?? (await openDatabase(config));
  await database.migrate();
  const llm = opts.llm !== undefined ? opts.llm : config.llm ? openAiLlm(config.llm) : null;
  const instanceId = opts.instanceId ?? `${process.pid}-${randomBytes(3).toString('hex')}`;
  // The runner needs deps and deps' kickOutbox needs the runner: a late-bound reference breaks the cycle.
  const runnerRef: { current?: JobRunner } = {};
  const deps: Deps = {
    db: database.db,
    clock: opts.clock ?? systemClock,
    config,
    log,
    llm,
    slack: slackClients(config, database.db),
    kickOutbox: () => runnerRef.current?.kick(),
    requestGate: openGateOnRequest,
  };
  const runner = createJobRunner(deps, opts.jobs ?? jobRegistry(), instanceId);
  runnerRef.current = runner;

  const http = express();
  http.disable('x-powered-by');
  http.use(healthRoutes(database));
  http.use('/api/v1', registerApi(deps));
  const slack = createSlackApp(deps, http, { fastRetries: opts.fastSlackRetries });
  if (config.slack.kind !== 'sandbox' && config.slack.appToken) await slack.start();

  const server: Server = await new Promise((resolve, reject) => {
    const s = http.listen(config.port, '0.0.0.0', () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  if (opts.runJobs !== false) runner.start();

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    deps,
    database,
    slack,
    jobs: runner,
    async stop() {
      await runner.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (config.slack.kind !== 'sandbox' && config.slack.appToken) await slack.stop();
      if (!opts.database) await database.close();
    },
  };
}
