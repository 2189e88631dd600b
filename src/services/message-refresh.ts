import type { Deps } from '../deps.js';
import { queueCoalescedUpdate } from '../db/repositories/outbox.js';

/** Slack allows about 50 chat.update calls a minute; one per message every 1.5 s stays under it. */
export const MESSAGE_REFRESH_INTERVAL_MS = 1500;

/**
 * Asks for a live message (a gate's tally, a check-in's tally) to be redrawn after a change. The
 * update goes through the outbox and is rendered from the database when it is sent, coalesced to
 * one pending update per message; see `queueCoalescedUpdate`. True when an update was queued.
 */
export async function queueMessageRefresh(
  deps: Deps,
  m: { teamId: string; channelId: string; messageOutboxId: number; render: Record<string, unknown>; now: Date },
): Promise<boolean> {
  return queueCoalescedUpdate(deps.db, { teamId: m.teamId, channelId: m.channelId, targetId: m.messageOutboxId, payload: m.render, now: m.now, intervalMs: MESSAGE_REFRESH_INTERVAL_MS });
}
