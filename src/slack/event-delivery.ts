import type { App, ReceiverEvent } from '@slack/bolt';
import type { ExpressReceiverOptions } from '@slack/bolt';
import type { Logger } from '../logger.js';

/**
 * What became of one Events API delivery, set by the dedupe middleware
 * (`listeners/middleware/dedupe.ts`) and read here once Bolt's listeners are done:
 * - 'handled': the listener ran to the end (or an earlier delivery had): answer 200;
 * - 'failed': the listener threw: answer 500, so Slack sends the event again;
 * - 'busy': another delivery of the same event is running now: not run here, and answered 503 so
 *   that, should that delivery fail, Slack's next retry still comes (a 200 would end Slack's retries);
 * - 'unavailable': the database could not be reached (set by `middleware/database-unavailable.ts`):
 *   answered 503, so Slack sends the event again once it may be back.
 */
export interface EventDeliveryOutcome {
  result: 'handled' | 'failed' | 'busy' | 'unavailable';
}

/** The context property (Bolt's customProperties) that carries an event delivery's outcome object. */
export const EVENT_DELIVERY = 'eventDelivery';

export function eventDeliveryOf(context: Record<string, unknown>): EventDeliveryOutcome | undefined {
  return context[EVENT_DELIVERY] as EventDeliveryOutcome | undefined;
}

/** Thrown to the receiver so an event delivery that did not complete gets a non-2xx answer. */
export class EventNotHandled extends Error {
  override name = 'EventNotHandled';
  constructor(readonly outcome: 'failed' | 'busy' | 'unavailable') {
    super(outcome === 'busy' ? 'the same event is being handled by another delivery' : outcome === 'unavailable' ? 'the database is unavailable' : 'the event listener failed');
  }
}

type Body = { type?: unknown; event?: { type?: unknown } };
const isEventCallback = (body: unknown) => (body as Body | undefined)?.type === 'event_callback' && (body as Body).event?.type !== 'function_executed';

/**
 * Events API deliveries are answered only once their listeners have finished, like Bolt's
 * `processBeforeResponse`, but for events alone: Bolt acks an event before any listener runs, so an
 * event whose listener failed, or whose process died mid-way, was answered 200 and never sent again.
 * Slash commands and interactions are untouched: their listeners ack within Slack's 3 seconds and
 * carry on after that, as before.
 *
 * This wraps `app.processEvent` (the entry point of both receivers): an event's ack is held until
 * `processEvent` returns, then given (200), or replaced by an EventNotHandled error that the
 * receiver answers with `eventDeliveryErrorHandler` below.
 */
export function answerEventsAfterListeners(app: App): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent) => {
    if (!isEventCallback(event.body)) return processEvent(event);
    const outcome: EventDeliveryOutcome = { result: 'handled' };
    let response: Parameters<ReceiverEvent['ack']>[0];
    let acked = false;
    const ack: ReceiverEvent['ack'] = async (r) => {
      acked = true;
      response = r;
    };
    await processEvent({ ...event, ack, customProperties: { ...event.customProperties, [EVENT_DELIVERY]: outcome } });
    if (outcome.result !== 'handled') throw new EventNotHandled(outcome.result);
    if (acked) await event.ack(response);
  };
}

type ProcessEventErrorHandler = NonNullable<ExpressReceiverOptions['processEventErrorHandler']>;

/**
 * The HTTP receiver's answer to a `processEvent` that threw: an event not handled gets 500 (its
 * listener failed) or 503 with Retry-After (it is being handled by another delivery, or the
 * database is unavailable), and an info
 * line rather than Bolt's error; anything else goes to Bolt's own handler.
 */
export function eventDeliveryErrorHandler(log: Logger, fallback: ProcessEventErrorHandler): ProcessEventErrorHandler {
  return async (args) => {
    const { error, response } = args;
    if (!(error instanceof EventNotHandled)) return fallback(args);
    if (response.headersSent) return true;
    if (error.outcome === 'busy') {
      log.info('a Slack event arrived again while its first delivery is still running; answered 503 so Slack retries later');
      response.writeHead(503, { 'retry-after': '60' });
    } else if (error.outcome === 'unavailable') {
      // Logged by the middleware that set it; Slack retries after about a minute, then five.
      response.writeHead(503, { 'retry-after': '60' });
    } else {
      response.writeHead(500);
    }
    response.end();
    // The response is written: tell the receiver it is acknowledged (no "not acknowledged" 404 later).
    return true;
  };
}
