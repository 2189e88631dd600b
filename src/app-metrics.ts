import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The app's Prometheus metrics, one registry per running app (a test or a replica in the same
 * process gets its own, so their numbers never mix). Served at GET /metrics (src/http/metrics-route.ts).
 * Label values are bounded sets: a surface, a job kind, a status code, a route group.
 */
export interface AppMetrics {
  registry: Registry;
  /** Time from a Slack request's arrival to its ack being written, by surface (command, block_actions…). */
  slackAck: Histogram<'surface'>;
  /** HTTP answers by route group (slack, api, metrics, health, other) and status code. */
  httpResponses: Counter<'route' | 'code'>;
  /** How late a timer or schedule slot ran against when it was due. */
  schedulerLag: Histogram<'job'>;
  /** Drift evaluations of batches, by outcome (drift, no_drift, refused). */
  driftEvaluations: Counter<'outcome'>;
  /** Reads the outbox backlog at scrape time; set by the composition root once the database is open. */
  outboxBacklog?: () => Promise<{ depth: number; oldest: Date | null }>;
  /** Reads what is measured at scrape time (the outbox backlog) into the gauges; called before each scrape. */
  refresh(): Promise<void>;
}

/** Slack acks must come within 3 s; buckets resolve the fast path (ms) and the budget's edge. */
const ACK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5];
const LAG_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 3600];

export function createMetrics(now: () => Date = () => new Date()): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mlops_' });
  const metrics: AppMetrics = {
    registry,
    slackAck: new Histogram({ name: 'mlops_slack_ack_seconds', help: 'Time from a Slack request arriving to its ack (HTTP answer), by surface', labelNames: ['surface'], buckets: ACK_BUCKETS, registers: [registry] }),
    httpResponses: new Counter({ name: 'mlops_http_responses_total', help: 'HTTP responses by route group and status code', labelNames: ['route', 'code'], registers: [registry] }),
    schedulerLag: new Histogram({ name: 'mlops_scheduler_lag_seconds', help: 'How long after it was due a timer or schedule slot ran', labelNames: ['job'], buckets: LAG_BUCKETS, registers: [registry] }),
    driftEvaluations: new Counter({ name: 'mlops_drift_evaluations_total', help: 'Drift evaluations of batches, by outcome', labelNames: ['outcome'], registers: [registry] }),
    refresh: async () => {},
  };
  const depth = new Gauge({ name: 'mlops_outbox_depth', help: 'Slack posts stored and not yet sent (pending or being sent)', registers: [registry] });
  const oldestAge = new Gauge({ name: 'mlops_outbox_oldest_age_seconds', help: 'Age of the oldest Slack post not yet sent; 0 when none waits', registers: [registry] });
  // Read from the database at each scrape (one query for both gauges), so the numbers are never a
  // stale copy. Not in the gauges' collect(): a scrape collects all metrics at once, and the two
  // gauges would each query, or one would read before the other's query was done.
  metrics.refresh = async () => {
    if (!metrics.outboxBacklog) return;
    const backlog = await metrics.outboxBacklog();
    depth.set(backlog.depth);
    oldestAge.set(backlog.oldest ? Math.max(0, (now().getTime() - backlog.oldest.getTime()) / 1000) : 0);
  };
  return metrics;
}

/** The Slack surface of a delivery, from its parsed body: a bounded label. */
export function slackSurface(body: Record<string, unknown>): string {
  if (typeof body.command === 'string') return 'command';
  const type = body.type;
  return typeof type === 'string' && SURFACES.has(type) ? type : 'other';
}
const SURFACES = new Set(['block_actions', 'view_submission', 'view_closed', 'shortcut', 'message_action', 'block_suggestion', 'event_callback']);
