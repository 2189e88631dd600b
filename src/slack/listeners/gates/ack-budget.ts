/** Slack gives up on an ack after 3 s; a vote that is still waiting for the database by then is acked anyway. */
export const ACK_BUDGET_MS = 2000;

/**
 * Wraps Bolt's ack so it runs exactly once: when the caller acks (normally right after the ballot
 * committed, so an ack means "counted"), or when the budget runs out under heavy load — the vote
 * then still commits, and the person learns the result from the ephemeral answer that follows.
 */
export function ackWithin(ack: () => Promise<void>, budgetMs = ACK_BUDGET_MS): { ack: () => Promise<void> } {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    await ack();
  };
  const timer = setTimeout(() => void once().catch(() => {}), budgetMs);
  return { ack: once };
}
