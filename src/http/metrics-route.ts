import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { AppMetrics } from '../app-metrics.js';
import type { Logger } from '../logger.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * GET /metrics in Prometheus' text format. With a token configured (METRICS_TOKEN) a scrape must
 * send `Authorization: Bearer <token>` (compared in constant time); without one the endpoint is
 * open, as most exporters are, and should then sit behind the network's own rules.
 */
export function metricsRoute(metrics: AppMetrics, opts: { token?: string; log: Logger }): Router {
  const r = Router();
  const expected = opts.token ? digest(`Bearer ${opts.token}`) : null;
  r.get('/metrics', async (req, res) => {
    if (expected && !timingSafeEqual(digest(req.get('authorization') ?? ''), expected)) {
      res.status(401).set('www-authenticate', 'Bearer realm="metrics"').type('text/plain').send('Send Authorization: Bearer <METRICS_TOKEN>.\n');
      return;
    }
    try {
      await metrics.refresh();
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    } catch (err) {
      // The outbox gauges read the database: while it is down the scrape fails, visibly, rather than reporting zeros.
      opts.log.warn('a /metrics scrape failed', err);
      res.status(503).type('text/plain').send('Metrics are unavailable: the database did not answer.\n');
    }
  });
  return r;
}

/** Route group of a request path: a bounded label for the HTTP responses counter. */
export function routeGroup(url: string | undefined): string {
  const path = (url ?? '').split('?', 1)[0]!;
  if (path.startsWith('/slack/')) return 'slack';
  if (path.startsWith('/api/')) return 'api';
  if (path === '/metrics') return 'metrics';
  if (path === '/healthz' || path === '/readyz') return 'health';
  return 'other';
}
