import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware, RespondFn } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { DATABASE_UNAVAILABLE_PLAIN, DATABASE_UNAVAILABLE_TEXT } from '../../../messages/unavailable.js';
import { isDatabaseUnavailable } from '../../../shared/database-unavailable.js';
import { eventDeliveryOf } from '../../event-delivery.js';

type Body = {
  type?: unknown;
  command?: unknown;
  event_id?: unknown;
  user?: { id?: unknown };
  user_id?: unknown;
  view?: { blocks?: { type?: unknown; block_id?: unknown }[] };
};
type AckFn = (response?: unknown) => Promise<void>;

/**
 * The first middleware of every Slack request: when the database cannot be reached (PostgreSQL
 * stopped or restarting), the person gets a clear "try again" within Slack's 3 s instead of nothing
 * (Bolt's error handler only logs, and the unanswered request was then acknowledged empty: a modal
 * closed as if saved, a command with no answer).
 *
 * It wraps everything after it — the dedupe middleware, which is the first to touch the database,
 * and the listeners — so a failure anywhere before the ack gets the same answer:
 * - a slash command: the ack's ephemeral text;
 * - a modal submission: `response_action: 'errors'` on its first input, so the modal stays open
 *   with what was typed;
 * - a click (and anything else): an empty ack, then an ephemeral reply through the response_url.
 * If a listener had already acknowledged (Bolt throws ReceiverMultipleAckError on a second ack), the
 * person is told through the response_url, or else in a direct message.
 * An Events API delivery is answered 503 so that Slack sends it again later.
 * Any other error goes on to Bolt's error handler as before.
 */
export function answerDatabaseUnavailable(deps: Deps): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    try {
      await args.next();
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      const body = args.body as Body;
      const kind = describe(body);
      const cause = err instanceof Error ? err.message : String(err);
      if (body.event_id !== undefined) {
        const outcome = eventDeliveryOf(args.context);
        if (outcome) outcome.result = 'unavailable';
        deps.log.warn(`Slack ${kind}: the database is unavailable (${cause}); answered 503 so Slack delivers it again`);
        return;
      }
      deps.log.warn(`Slack ${kind}: the database is unavailable (${cause}); told the person to try again`);
      const { ack, respond } = args as { ack?: AckFn; respond?: RespondFn };
      if (ack) {
        const answer = ackAnswer(body);
        try {
          await ack(answer);
          if (answer) return; // the ack itself carried the message
        } catch {
          // A listener acknowledged already (or Slack's 3 s were up): say it another way below.
        }
      }
      await tellLater(deps, args, body, respond);
    }
  };
}

/** The ack that carries the message, where the request type allows one. */
function ackAnswer(body: Body): unknown {
  if (body.command !== undefined) return { response_type: 'ephemeral', text: DATABASE_UNAVAILABLE_TEXT };
  if (body.type === 'view_submission') {
    const input = body.view?.blocks?.find((b) => b.type === 'input' && typeof b.block_id === 'string');
    // Errors must name an input of this modal; one without inputs is acknowledged and told below.
    if (input) return { response_action: 'errors', errors: { [input.block_id as string]: DATABASE_UNAVAILABLE_PLAIN } };
  }
  if (body.type === 'block_suggestion') return { options: [] };
  return undefined;
}

/** After the ack: ephemerally through the response_url, else (a modal, which has none) in a direct message. */
async function tellLater(deps: Deps, args: AnyMiddlewareArgs & AllMiddlewareArgs, body: Body, respond: RespondFn | undefined): Promise<void> {
  try {
    if (respond) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: DATABASE_UNAVAILABLE_TEXT });
      return;
    }
    const user = typeof body.user?.id === 'string' ? body.user.id : typeof body.user_id === 'string' ? body.user_id : undefined;
    if (user) await args.client.chat.postMessage({ channel: user, text: DATABASE_UNAVAILABLE_TEXT });
  } catch (err) {
    deps.log.warn('could not tell the person that the database is unavailable', err);
  }
}

function describe(body: Body): string {
  if (typeof body.command === 'string') return `command ${body.command.slice(0, 40)}`;
  if (body.event_id !== undefined) return 'event';
  return typeof body.type === 'string' ? body.type.slice(0, 40) : 'request';
}
