import type { IncomingMessage, ServerResponse } from 'node:http';
import { type App, HTTPModuleFunctions, HTTPResponseAck, type Logger as BoltLogger, type ReceiverEvent } from '@slack/bolt';
import type { ExpressReceiverOptions } from '@slack/bolt';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { slackSurface } from '../app-metrics.js';
import { printable } from '../shared/printable.js';
import { parseSlackEnvelope } from './envelope.js';
import { readCappedBody, SLACK_BODY_LIMIT } from './read-body.js';
import { refuse } from './refuse.js';
import { encodingRefusal, isSslCheck, signedBodyRefusal } from './verify-request.js';

export const SLACK_EVENTS_PATH = '/slack/events';

/** True for a request to /slack/events (or below it), whatever its query string. */
export function isSlackEventsRequest(url: string | undefined): boolean {
  if (url === undefined || !url.startsWith(SLACK_EVENTS_PATH)) return false;
  const next = url.charCodeAt(SLACK_EVENTS_PATH.length);
  // End of the path, '/', or '?'.
  return Number.isNaN(next) || next === 0x2f || next === 0x3f;
}

type ProcessEventErrorHandler = NonNullable<ExpressReceiverOptions['processEventErrorHandler']>;

export interface SlackEventsEndpointOptions {
  signingSecret: string;
  clock: Clock;
  log: Logger;
  /** Bolt's logger, for what Bolt's own ack and error handlers log. */
  boltLogger: BoltLogger;
  /** The answer to a `processEvent` that threw (see event-delivery.ts), as ExpressReceiver took it. */
  processEventErrorHandler: ProcessEventErrorHandler;
  /** Told how long each delivery took to ack (its answer written), and its surface. */
  onAnswered?: (surface: string, seconds: number) => void;
}

/** Bolt's time for a listener to ack before the request is answered 404 (ExpressReceiver's default). */
const UNHANDLED_REQUEST_TIMEOUT_MS = 3001;

/**
 * POST /slack/events on the bare node:http server, ahead of Express: Slack's traffic is the app's
 * hottest path, and Express's routing and Bolt's receiver (which parses the body a second time)
 * cost more than the rest of an ack. The body is read once (capped), then in order:
 * - a compressed body is refused (415), a body over 1 MB as soon as that is known (413);
 * - an ssl_check ping gets an empty 200;
 * - a bad signature or timestamp (too old, or too far in the future) is a 401; a signed body that is
 *   not UTF-8 is a 400, another charset a 415;
 * - a body Bolt could not route safely (envelope.ts) is a 400;
 * - url_verification gets its challenge back;
 * - anything else goes to `app.processEvent` with Bolt's own HTTPResponseAck, as ExpressReceiver
 *   did: the ack writes the answer, no ack within 3 s is a 404, and a `processEvent` that throws is
 *   answered by `processEventErrorHandler`.
 * `app.processEvent` is looked up per request: the composition root wraps it (drain tracking).
 */
export function slackEventsEndpoint(app: App, opts: SlackEventsEndpointOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { signingSecret, clock, log, boltLogger, processEventErrorHandler, onAnswered } = opts;
  return async (req, res) => {
    const started = process.hrtime.bigint();
    try {
      const encoding = encodingRefusal(req.headers);
      if (encoding) return refuse(res, encoding);
      const read = await readCappedBody(req, SLACK_BODY_LIMIT);
      if (!read.ok) return refuse(res, { status: 413, error: 'body_too_large', message: `The body is larger than ${SLACK_BODY_LIMIT / 1024 / 1024} MB.`, close: true });
      const raw = read.raw;
      if (isSslCheck(raw)) return HTTPModuleFunctions.buildSSLCheckResponse(res);
      const refusal = signedBodyRefusal(req.headers, raw, signingSecret, Math.floor(clock.now().getTime() / 1000));
      if (refusal) return refuse(res, refusal);
      // Signed, but not a delivery: only POST to the endpoint itself is one.
      if (req.method !== 'POST' || !isEndpointItself(req.url!)) return refuse(res, { status: 404, error: 'not_found' });
      const envelope = parseSlackEnvelope(raw.toString('utf8'), req.headers['content-type']);
      if (!envelope.ok) return refuse(res, { status: 400, error: 'malformed_request', message: `The request does not have the shape Slack sends: ${envelope.problem}`, close: true });
      const body = envelope.body;
      if (body.type === 'url_verification') return HTTPModuleFunctions.buildUrlVerificationResponse(res, body);
      if (onAnswered) res.once('finish', () => onAnswered(slackSurface(body), Number(process.hrtime.bigint() - started) / 1e9));
      await dispatch(app, req, res, body, boltLogger, processEventErrorHandler);
    } catch (err) {
      answerFailure(log, req, res, err);
    }
  };
}

function isEndpointItself(url: string): boolean {
  const path = url.split('?', 1)[0];
  return path === SLACK_EVENTS_PATH || path === `${SLACK_EVENTS_PATH}/`;
}

async function dispatch(app: App, req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>, logger: BoltLogger, processEventErrorHandler: ProcessEventErrorHandler): Promise<void> {
  const ack = new HTTPResponseAck({ logger, processBeforeResponse: false, unhandledRequestTimeoutMillis: UNHANDLED_REQUEST_TIMEOUT_MS, httpRequest: req, httpRequestBody: body, httpResponse: res });
  const event: ReceiverEvent = {
    body,
    ack: ack.bind(),
    retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req),
    retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req),
    customProperties: {},
  };
  try {
    await app.processEvent(event);
  } catch (error) {
    const acknowledged = await processEventErrorHandler({ error: error as Error, logger, request: req, response: res, storedResponse: undefined });
    // As ExpressReceiver: only a handler that answered marks the request acknowledged (no 404 later).
    if (acknowledged) ack.ack();
  }
}

/** A failure outside Bolt (reading the body): a client that went away is not our error; anything else is a 500. */
function answerFailure(log: Logger, req: IncomingMessage, res: ServerResponse, err: unknown): void {
  const e = err as { code?: unknown };
  const gone = e?.code === 'ECONNRESET' || e?.code === 'ECONNABORTED' || req.destroyed;
  const path = printable(req.url?.split('?', 1)[0] ?? '');
  if (gone) log.debug(`${req.method} ${path}: the client went away`);
  else log.error(`${req.method} ${path} failed`, err);
  if (res.headersSent || gone) {
    req.socket.destroy();
    return;
  }
  refuse(res, { status: 500, error: 'internal', message: 'Something went wrong on our side.' });
}
