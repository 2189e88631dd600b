/**
 * Slack gives up on an ack after 3 s (and Bolt answers 404 itself at 3 s), counted from the request's
 * arrival — which may be a while before this listener runs when a burst of clicks queues up. A vote
 * still waiting for the database 1 s into the listener is acked anyway.
 */
export const ACK_BUDGET_MS = 1000;

/**
 * Wraps Bolt's ack so it runs exactly once: when the caller acks (normally right after the ballot
 * committed, so an ack means "counted"), or when the budget runs out under heavy load — the vote
 * then still commits, and the person learns the result from the ephemeral answer that follows.
 * `leave` gives the ack up to someone else (the database-unavailable middleware, which answers with it).
 */
export function ackWithin(ack: () => Promise<void>, budgetMs = ACK_BUDGET_MS): { ack: () => Promise<void>; leave: () => void } {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    await ack();
  };
  const timer = setTimeout(() => void once().catch(() => {}), budgetMs);
  const leave = () => {
    done = true;
    clearTimeout(timer);
  };
  return { ack: once, leave };
}
