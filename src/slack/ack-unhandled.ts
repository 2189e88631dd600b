import type { App, ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../logger.js';
import { printable } from '../shared/printable.js';

type Body = {
  type?: unknown;
  command?: unknown;
  callback_id?: unknown;
  action_id?: unknown;
  actions?: { action_id?: unknown }[];
  view?: { callback_id?: unknown };
  event?: { type?: unknown };
};

/** What kind of request this was and which id it carried — never its payload (values, text, tokens). */
function describe(body: Body): string {
  const id = (v: unknown) => (typeof v === 'string' ? `"${printable(v, 80)}"` : '(no id)');
  if (body.command !== undefined) return `slash command ${id(body.command)}`;
  const type = typeof body.type === 'string' ? printable(body.type, 40) : 'request of unknown type';
  if (type === 'block_actions') return `block_actions ${id(body.actions?.[0]?.action_id)}`;
  if (type === 'view_submission' || type === 'view_closed') return `${type} ${id(body.view?.callback_id)}`;
  if (type === 'shortcut' || type === 'message_action') return `${type} ${id(body.callback_id)}`;
  if (type === 'block_suggestion') return `block_suggestion ${id(body.action_id)}`;
  if (type === 'event_callback') return `event ${id(body.event?.type)}`;
  return type;
}

/**
 * Acknowledges every request no listener acknowledged: a button from an old message whose action
 * id no longer exists, a `view_closed`, a shortcut, an options request. Unacknowledged, Slack shows
 * the person an error after 3 seconds (and Bolt answers 404 then).
 *
 * Bolt runs every matching listener and resolves `processEvent` once they have all finished, and a
 * second ack throws (ReceiverMultipleAckError). So rather than a catch-all listener racing the real
 * ones, this wraps the one entry point both receivers (HTTP and Socket Mode) call: the ack given to
 * the listeners is tracked, and only when they are all done and none called it is it called here —
 * never twice. Unknown requests are logged at info with their kind and id only.
 */
export function acknowledgeUnhandled(app: App, log: Logger): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event: ReceiverEvent) => {
    let acked = false;
    const ack: ReceiverEvent['ack'] = (response) => {
      acked = true;
      return event.ack(response);
    };
    await processEvent({ ...event, ack });
    if (acked) return;
    const body = (event.body ?? {}) as Body;
    log.info(`no listener acknowledged Slack ${describe(body)}; acknowledged it so Slack shows no error`);
    // An options request expects a list; an empty one shows "no results" rather than an error.
    await event.ack(body.type === 'block_suggestion' ? { options: [] } : undefined);
  };
}
