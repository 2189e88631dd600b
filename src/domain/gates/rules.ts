import { z } from 'zod';
import { type Phase, VOTES } from '../../shared/enums.js';
import { DomainError } from '../errors.js';

/** A button value from Slack is parsed with this schema at the edge. */
export const Vote = z.enum(VOTES);
export type Vote = z.infer<typeof Vote>;

export interface Ballot {
  voter: string;
  vote: Vote;
  reason?: string | null;
}

export interface Tally {
  go: number;
  noGo: number;
  abstain: number;
  total: number;
}

export type Outcome = 'go' | 'no_go' | 'no_quorum';

/**
 * Counts one ballot per voter. Ballots are changeable until close, so if a voter appears
 * twice (e.g. a list read mid-update) the later ballot is the one that counts.
 */
export function tally(ballots: readonly Ballot[]): Tally {
  const latest = new Map<string, Vote>();
  for (const b of ballots) latest.set(b.voter, b.vote);
  const t: Tally = { go: 0, noGo: 0, abstain: 0, total: latest.size };
  for (const v of latest.values()) {
    if (v === 'go') t.go++;
    else if (v === 'no_go') t.noGo++;
    else t.abstain++;
  }
  return t;
}

/**
 * A strict majority of the eligible voters. With no voters this returns 1 rather than 0 so
 * that a quorum can never be met by nobody; such a gate is refused by validateGateOptions.
 */
export function defaultQuorum(voterCount: number): number {
  if (!(voterCount > 0)) return 1;
  return Math.floor(voterCount / 2) + 1;
}

/**
 * Abstentions count toward quorum (the voter took part) but not toward the decision. A tie
 * is NO-GO: moving a project forward needs more support than opposition.
 */
export function decideOutcome(t: Tally, quorum: number): Outcome {
  if (t.total < quorum) return 'no_quorum';
  return t.go > t.noGo ? 'go' : 'no_go';
}

/**
 * The early close after a vote: every eligible voter has voted. `voted` are people (an anonymous
 * gate's ballot keys mapped back through its secret), so a ballot that is not an eligible voter's
 * never fills a seat. An empty list never closes early (it waits for the deadline).
 */
export function shouldCloseEarly(eligible: readonly string[], voted: readonly string[]): boolean {
  if (eligible.length === 0) return false;
  const have = new Set(voted);
  return eligible.every((v) => have.has(v));
}

/**
 * A gate asks whether to move the project from the phase it was in when the gate opened. Once the
 * project is in another phase that question is gone: the gate is superseded and closes without a
 * decision, whatever its ballots say. (Coming back to that phase later does not revive it: it was
 * closed when the project left.)
 */
export function isSuperseded(gate: { fromPhase: Phase }, projectPhase: Phase): boolean {
  return gate.fromPhase !== projectPhase;
}

const HOUR_MS = 60 * 60 * 1000;
/** Reminder lead times before the deadline, earliest first. */
export const REMINDER_LEADS_MS = [24 * HOUR_MS, HOUR_MS] as const;

/** When to remind non-voters: 24 h and 1 h before the deadline, skipping any not after opening. */
export function reminderTimes(openedAt: Date, deadline: Date): Date[] {
  return REMINDER_LEADS_MS.map((lead) => new Date(deadline.getTime() - lead)).filter(
    (at) => at.getTime() > openedAt.getTime(),
  );
}

export interface GateOptionsInput {
  voters: readonly string[];
  quorum?: number | null;
  deadline: Date;
  now: Date;
}

/** Checks a gate before it opens; returns the quorum to use (explicit or the default). */
export function validateGateOptions(input: GateOptionsInput): { quorum: number } {
  // The same person mentioned twice is one voter.
  const count = new Set(input.voters).size;
  if (count === 0) {
    throw new DomainError(
      'no_voters',
      'A gate needs at least one eligible voter. Name them with --voters @a @b, or add stakeholders to the design brief.',
    );
  }
  const quorum = input.quorum ?? defaultQuorum(count);
  if (!Number.isInteger(quorum) || quorum < 1) {
    throw new DomainError('invalid_quorum', `Quorum must be a whole number of at least 1, not ${quorum}.`);
  }
  if (quorum > count) {
    const voters = count === 1 ? '1 eligible voter' : `${count} eligible voters`;
    throw new DomainError('quorum_too_large', `Quorum ${quorum} is larger than the ${voters}.`);
  }
  if (input.deadline.getTime() <= input.now.getTime()) {
    throw new DomainError('deadline_in_past', 'The deadline must be in the future.');
  }
  return { quorum };
}
