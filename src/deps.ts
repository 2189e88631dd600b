import type { WebClient } from '@slack/web-api';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { Llm } from './llm/llm.js';
import type { Logger } from './logger.js';
import type { AppMetrics } from './app-metrics.js';
import type { DriftRuntime } from './services/drift/runtime.js';

/** Resolves the bot client of a workspace, for work that runs outside a Slack request (jobs, API, outbox). */
export interface SlackClients {
  /** A client that does not retry by itself: the caller (the outbox) owns retries and rate limits. */
  forTeam(teamId: string): Promise<WebClient>;
}

/** Everything a listener, route or job may touch; passed in, never imported as a global. */
export interface Deps {
  db: Db;
  clock: Clock;
  config: Config;
  log: Logger;
  llm: Llm | null;
  slack: SlackClients;
  /** Wakes the outbox worker after a commit so queued messages go out without waiting for the next tick. */
  kickOutbox(): void;
  /** Drift evaluation threads, decoded references and the alert seam (services/drift/runtime.ts). */
  drift: DriftRuntime;
  /** Prometheus metrics of this app (GET /metrics). */
  metrics: AppMetrics;
}
