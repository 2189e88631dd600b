import { createHmac, randomBytes } from 'node:crypto';

/**
 * How an anonymous gate keeps "one ballot per person" without storing who voted what.
 *
 * Each anonymous gate gets a random 256-bit secret. A ballot is stored under
 * `a:` + HMAC-SHA256(secret, user id) instead of the user id, next to the vote (and a No-go
 * reason), with no timestamp or serial id. While the gate is open the app recomputes a person's key
 * to find and replace their ballot, to tell who has not voted yet (reminders) and to notice that
 * everyone has voted. The closing transaction stores who took part (sorted, not in voting order) and
 * wipes the secret; from then on the keys are unlinkable 256-bit values.
 *
 * Guarantee: after close, nothing the app stores (ballots, gate row, audit log, outbox, logs) pairs
 * a person with a vote, and the app shows nobody — not the owner, not the opener — who voted what,
 * before or after close. Not guaranteed: someone with database access *while the gate is open* can
 * read the secret and recompute the keys of the (few) eligible voters; a backup, WAL archive or
 * replica taken during that time keeps that ability. Slack itself, and anyone who can read this
 * app's raw HTTP traffic, sees who clicked which button. Tallies are public by design, so a
 * unanimous result, or watching the count move right after someone clicks, reveals votes.
 */
export function newGateSecret(): string {
  return randomBytes(32).toString('hex');
}

export function anonymousVoterKey(secret: string, userId: string): string {
  return `a:${createHmac('sha256', Buffer.from(secret, 'hex')).update(userId).digest('hex')}`;
}

/** The stored key of a person's ballot: their user id, or the HMAC key on an anonymous gate. */
export function voterKeyFor(gate: { anonymous: boolean; anonSecret: string | null }, userId: string): string {
  if (!gate.anonymous) return userId;
  if (!gate.anonSecret) throw new Error('anonymous gate has no secret (it is closed)');
  return anonymousVoterKey(gate.anonSecret, userId);
}

/** Which eligible voters have a ballot, given the stored keys; sorted so order says nothing. */
export function votedAmong(gate: { anonymous: boolean; anonSecret: string | null }, eligible: readonly string[], keys: readonly string[]): string[] {
  const have = new Set(keys);
  return eligible.filter((u) => have.has(voterKeyFor(gate, u))).sort();
}
