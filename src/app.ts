import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import express from 'express';
import type { DestinationStream } from 'pino';
import { type ApiOptions, registerApi } from './api/router.js';
import { type Clock, systemClock } from './clock.js';
import { type Config, secretValues } from './config.js';
import { type Database, openDatabase } from './db/client.js';
import type { Deps } from './deps.js';
import { createMetrics } from './app-metrics.js';
import { clientFiles } from './http/client-files.js';
import { metricsRoute, routeGroup } from './http/metrics-route.js';
import { openOutboxBacklog } from './db/repositories/outbox.js';
import { createDrain } from './http/drain.js';
import { lastErrorHandler } from './http/error-handler.js';
import { healthRoutes } from './http/health.js';
import { jobRegistry } from './jobs/index.js';
import type { JobRegistry } from './jobs/registry.js';
import { createJobRunner, type JobRunner } from './jobs/runner.js';
import { type Llm, openAiLlm } from './llm/llm.js';
import { createLogger, type Logger } from './logger.js';
import { createSlackApp } from './slack/app.js';
import { isSlackEventsRequest } from './slack/events-endpoint.js';
import { createDriftRuntime } from './services/drift/runtime.js';
import { slackClients } from './services/workspaces/slack-clients.js';
import { sealPlainInstallations } from './services/workspaces/installation-secrets.js';
import { tokenCipher, type TokenCipher } from './shared/token-cipher.js';

export interface StartOptions {
  config: Config;
  clock?: Clock;
  /** The app's logger; by default one built from the config (level, secrets to redact) writing to `logDestination`. */
  log?: Logger;
  /** Where the default logger writes (default stdout); tests capture the lines here. */
  logDestination?: DestinationStream;
  /** An already-open database (tests); otherwise opened from the config. */
  database?: Database;
  /** Overrides the LLM built from the config (null: deterministic mode). */
  llm?: Llm | null;
  /** Slack Web API retries in seconds rather than minutes (tests). */
  fastSlackRetries?: boolean;
  /** Where /slack/install sends people to approve the app (default Slack's own; tests use the emulator). */
  oauthAuthorizationUrl?: string;
  /** Start the once-a-second job heartbeat (default true). Tests drive `jobs.tick(now)` instead. */
  runJobs?: boolean;
  jobs?: JobRegistry;
  instanceId?: string;
  /** Sandbox mode: the sandbox page's address, where the app's `/` sends a browser. */
  sandboxPageUrl?: string;
  /** API rate limits over the defaults (tests inject small ones); false turns them off (benchmarks). */
  apiRateLimits?: ApiOptions['rateLimits'];
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
  const log = opts.log ?? createLogger({ level: config.logLevel, secrets: secretValues(config), destination: opts.logDestination });

  // Listen first: liveness answers while the database opens and migrates (a first start of the
  // embedded database takes seconds); Slack and API traffic get 503 until everything is wired.
  let database: Database | undefined;
  let wired = false;
  const http = express();
  http.disable('x-powered-by');
  // First: counts what is in flight, and once stopping refuses new Slack and API requests (503).
  const drain = createDrain();
  http.use(drain.track);
  http.use(healthRoutes(async () => wired && !drain.draining && database !== undefined && (await database.ready())));
  http.use(['/slack', '/api'], (_req, res, next) => {
    if (wired) return next();
    res.status(503).set('retry-after', '2').json({ ok: false, error: 'starting' });
  });
  // Slack's endpoint is served ahead of Express once everything is wired (see slack/events-endpoint.ts);
  // until then its requests go through Express and get the 503 above.
  let slackEvents: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined = undefined;
  const metrics = createMetrics();
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    // The group is read now: Express rewrites req.url inside mounted routers.
    const route = routeGroup(req.url);
    res.once('finish', () => metrics.httpResponses.inc({ route, code: String(res.statusCode) }));
    if (slackEvents && isSlackEventsRequest(req.url)) {
      if (drain.admit(req, res)) void slackEvents(req, res);
      return;
    }
    http(req, res);
  };
  const server: Server = await new Promise((resolve, reject) => {
    const s = createServer(onRequest);
    s.once('error', reject);
    s.listen(config.port, '0.0.0.0', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const closeServer = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  try {
    database = opts.database ?? (await openDatabase(config));
    await database.migrate();
  } catch (err) {
    await closeServer();
    throw err;
  }
  const db = database;
  // PostgreSQL stopped or restarted: each idle pooled connection breaks once. The pool replaces it on
  // demand, requests meanwhile are answered "try again", and /readyz says not ready.
  db.onConnectionLost((err) => log.warn(`lost an idle database connection (${err.message}); the pool reconnects when the database is back`));
  if (config.slack.kind === 'oauth') await sealStoredTokens(db, tokenCipher(config.slack.tokenKey), log);
  const llm = opts.llm !== undefined ? opts.llm : config.llm ? openAiLlm(config.llm) : null;
  const instanceId = opts.instanceId ?? `${process.pid}-${randomBytes(3).toString('hex')}`;
  // The runner needs deps and deps' kickOutbox needs the runner: a late-bound reference breaks the cycle.
  const runnerRef: { current?: JobRunner } = {};
  const deps: Deps = {
    db: db.db,
    clock: opts.clock ?? systemClock,
    config,
    log,
    llm,
    slack: slackClients(config, db.db, log),
    kickOutbox: () => runnerRef.current?.kick(),
    drift: createDriftRuntime({ log }),
    metrics,
  };
  metrics.outboxBacklog = () => openOutboxBacklog(db.db);
  const runner = createJobRunner(deps, opts.jobs ?? jobRegistry(), instanceId);
  runnerRef.current = runner;

  http.use('/api/v1', registerApi(deps, { rateLimits: opts.apiRateLimits }));
  http.use(clientFiles());
  http.use(metricsRoute(metrics, { token: config.metricsToken, log }));
  const sandboxPage = opts.sandboxPageUrl;
  if (sandboxPage) http.get('/', (_req, res) => res.redirect(302, sandboxPage));
  const { app: slack, events } = createSlackApp(deps, http, { fastRetries: opts.fastSlackRetries, authorizationUrl: opts.oauthAuthorizationUrl });
  // A listener goes on after its ack (the HTTP answer): a stop waits for that work too.
  const processEvent = slack.processEvent.bind(slack);
  slack.processEvent = (event) => drain.during(processEvent(event));
  http.use(lastErrorHandler(log));
  const socketMode = config.slack.kind !== 'sandbox' && Boolean(config.slack.appToken);
  if (socketMode) await slack.start();
  wired = true;
  slackEvents = events;
  if (opts.runJobs !== false) runner.start();

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    deps,
    database: db,
    slack,
    jobs: runner,
    /**
     * A graceful stop (SIGTERM): new Slack and API requests get 503 + Retry-After and
     * `Connection: close` (and /readyz 503, so a load balancer stops sending); requests in flight and
     * the work their listeners started finish, and the job runner finishes its current pass (so an
     * outbox send in flight ends with its outcome recorded, not 'sending' until its lease runs out) —
     * all bounded by `config.shutdownTimeoutMs`, after which what is left is cut and logged. Then the
     * app stops listening and the database closes.
     *
     * The listener stays open while draining, answering 503: closing a listening socket resets the
     * connections the kernel has already accepted for the app but Node has not picked up yet — under
     * load, requests Slack has already sent — whereas a 503 is a clean "try again later".
     */
    async stop() {
      const timeoutMs = config.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
      const deadline = Date.now() + timeoutMs;
      log.info(`stopping: finishing ${drain.inFlight()} request(s) in flight and the current job pass (at most ${timeoutMs / 1000} s)`);
      const jobsStopped = runner.stop();
      if (!(await drain.drain(timeoutMs))) log.warn(`stopping: ${drain.inFlight()} request(s) still running after ${timeoutMs / 1000} s; closing their connections`);
      // Stop listening; Node also closes the connections that are idle now. One still busy is past the deadline.
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (!(await settlesWithin(serverClosed, 1000))) server.closeAllConnections();
      await serverClosed;
      if (!(await settlesWithin(jobsStopped, deadline - Date.now()))) log.warn('stopping: the job runner\'s pass is still running at the deadline; rows it holds go back to the queue when their lease ends');
      await deps.drift.close();
      if (socketMode) await slack.stop();
      if (!opts.database) await db.close();
    },
  };
}

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** True if `p` settles within `ms` (its outcome is the caller's to log elsewhere). */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  try {
    return await Promise.race([p.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** OAuth mode: encrypts installations stored in plain text by an earlier version; says so if the key cannot read the stored ones. */
async function sealStoredTokens(database: Database, cipher: TokenCipher, log: Logger): Promise<void> {
  const { sealed, unreadable } = await sealPlainInstallations(database.db, cipher);
  if (sealed > 0) log.info(`encrypted ${sealed} Slack installation(s) stored in plain text by an earlier version`);
  if (unreadable > 0) log.error(`${unreadable} stored Slack installation(s) cannot be decrypted with TOKEN_ENCRYPTION_KEY (not the key they were stored with?); those workspaces get no answer until the key is restored or the app is reinstalled there`);
}
