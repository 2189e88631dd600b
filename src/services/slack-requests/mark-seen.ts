import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { claimRequest, markRequestSeen, settleRequest } from '../../db/repositories/slack-requests.js';

/**
 * How long a delivery of an event holds it before another delivery may take it over (its instance
 * is then presumed dead). Longer than a listener takes (Slack calls time out after 10 s, the LLM
 * after 20 s), shorter than the minute after which Slack sends its second retry, so an event whose
 * instance died mid-listener is still processed by that retry.
 */
export const EVENT_LEASE_MS = 50_000;

/** True the first time a Slack request key is seen (by any replica); false for every repeat. */
export async function firstDelivery(deps: Deps, key: string): Promise<boolean> {
  return markRequestSeen(deps.db, key, deps.clock.now());
}

export type EventDelivery =
  | { kind: 'claimed'; claim: string }
  | { kind: 'done' }
  | { kind: 'busy' };

/**
 * Starts one delivery of an event: 'claimed' (run the listener, then `settleEventDelivery`), 'done'
 * (an earlier delivery handled it), or 'busy' (another delivery is running it now, within its lease).
 */
export async function claimEventDelivery(deps: Deps, key: string): Promise<EventDelivery> {
  const now = deps.clock.now();
  const claim = randomUUID();
  const r = await claimRequest(deps.db, key, claim, now, new Date(now.getTime() + EVENT_LEASE_MS));
  if (r.claimed) return { kind: 'claimed', claim };
  return r.state === 'processing' ? { kind: 'busy' } : { kind: 'done' };
}

/** Ends a claimed delivery: handled ('done': repeats are dropped) or failed (the next delivery runs it again). */
export async function settleEventDelivery(deps: Deps, key: string, claim: string, handled: boolean): Promise<void> {
  await settleRequest(deps.db, key, claim, handled ? 'done' : 'failed');
}
