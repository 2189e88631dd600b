import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

/** Paths whose new requests are refused while the app drains (health checks still answer). */
/** Matched against the request URL (path and query). */
const WORK_PATHS = /^\/(slack|api)(\/|\?|$)/;

export interface Drain {
  /** First in the Express chain: counts requests in flight and, once draining, refuses new Slack and API requests. */
  track: RequestHandler;
  /** The same on the bare node:http server (Slack's endpoint runs ahead of Express): false when it answered 503. */
  admit(req: IncomingMessage, res: ServerResponse): boolean;
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
  const open = new Set<ServerResponse>();
  const work = new Set<Promise<unknown>>();
  let draining = false;
  let onIdle: (() => void) | undefined;
  const checkIdle = () => {
    if (draining && open.size === 0 && work.size === 0) onIdle?.();
  };

  const admit = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (draining && WORK_PATHS.test(req.url ?? '')) {
      const body = JSON.stringify({ ok: false, error: 'shutting_down' });
      res.writeHead(503, { connection: 'close', 'retry-after': '5', 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return false;
    }
    open.add(res);
    const done = () => {
      if (open.delete(res)) checkIdle();
    };
    res.once('finish', done);
    res.once('close', done);
    return true;
  };

  return {
    track: (req, res, next) => {
      if (admit(req, res)) next();
    },
    admit,
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
