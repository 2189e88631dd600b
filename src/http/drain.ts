import type { RequestHandler, Response } from 'express';

/** Paths whose new requests are refused while the app drains (health checks still answer). */
const WORK_PATHS = /^\/(slack|api)(\/|$)/;

export interface Drain {
  /** First in the Express chain: counts requests in flight and, once draining, refuses new Slack and API requests. */
  track: RequestHandler;
  /** Counts work a request started that outlives its response (a Slack listener goes on after its ack). */
  during<T>(work: Promise<T>): Promise<T>;
  readonly draining: boolean;
  /** How many requests and pieces of work are still running. */
  inFlight(): number;
  /** Stops taking new work; true once everything in flight has finished, false if `timeoutMs` passed first. */
  drain(timeoutMs: number): Promise<boolean>;
}

/**
 * Graceful shutdown for the HTTP side. Once draining, a request that still reaches the app (on a
 * connection kept alive from before) gets 503 with Retry-After and `Connection: close`, so Slack and
 * API clients retry it elsewhere or later; requests already running, and the listener work they
 * started, are waited for, so nothing that was (or is about to be) acknowledged is cut off.
 */
export function createDrain(): Drain {
  const open = new Set<Response>();
  const work = new Set<Promise<unknown>>();
  let draining = false;
  let onIdle: (() => void) | undefined;
  const checkIdle = () => {
    if (draining && open.size === 0 && work.size === 0) onIdle?.();
  };

  return {
    track: (req, res, next) => {
      if (draining && WORK_PATHS.test(req.path)) {
        res.set({ connection: 'close', 'retry-after': '5' }).status(503).json({ ok: false, error: 'shutting_down' });
        return;
      }
      open.add(res);
      const done = () => {
        if (open.delete(res)) checkIdle();
      };
      res.once('finish', done);
      res.once('close', done);
      next();
    },
    during(p) {
      work.add(p);
      const done = () => {
        work.delete(p);
        checkIdle();
      };
      p.then(done, done);
      return p;
    },
    get draining() {
      return draining;
    },
    inFlight: () => open.size + work.size,
    drain(timeoutMs) {
      draining = true;
      if (open.size === 0 && work.size === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        onIdle = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
    },
  };
}
