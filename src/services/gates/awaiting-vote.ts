import type { Deps } from '../../deps.js';
import { ballotsByKey, openGatesForVoter, type VoterGate } from '../../db/repositories/gates.js';
import { voterKeyFor } from '../../domain/gates/anonymity.js';
import type { Vote } from '../../domain/gates/rules.js';

/** How many of a person's open gates the App Home reads (soonest deadline first). */
const MAX_GATES = 50;

export interface VotersOpenGates {
  /** Open gates where this person may vote and has not yet. */
  awaiting: VoterGate[];
  /** How many that is in all (more than `awaiting` holds when the person has over MAX_GATES open gates). */
  awaitingTotal: number;
  /** Open gates they have voted on, with their ballot. */
  voted: (VoterGate & { vote: Vote })[];
}

/**
 * A person's open gates, split into those awaiting their vote and those they voted on: the App
 * Home's to-do list. Works for anonymous gates too, since a person's ballot key can be recomputed
 * while the gate is open; their own ballot is shown only to them.
 */
export async function votersOpenGates(deps: Deps, teamId: string, userId: string): Promise<VotersOpenGates> {
  const { gates, total } = await openGatesForVoter(deps.db, teamId, userId, MAX_GATES);
  const keyed = gates.flatMap((g) => {
    // An anonymous gate whose secret is gone has just closed: it is no longer anyone's to vote on.
    if (g.anonymous && !g.anonSecret) return [];
    return [{ gate: g, key: { gateId: g.id, voterKey: voterKeyFor(g, userId) } }];
  });
  const ballots = await ballotsByKey(deps.db, keyed.map((k) => k.key));
  const awaiting: VoterGate[] = [];
  const voted: (VoterGate & { vote: Vote })[] = [];
  for (const { gate } of keyed) {
    const vote = ballots.get(gate.id);
    if (vote) voted.push({ ...gate, vote });
    else awaiting.push(gate);
  }
  return { awaiting, awaitingTotal: awaiting.length + Math.max(0, total - gates.length), voted };
}
