import type { Deps } from '../../deps.js';
import { hasBallot, openGatesForVoter } from '../../db/repositories/gates.js';
import { voterKeyFor } from '../../domain/gates/anonymity.js';
import type { GateAwaitingVote } from '../../messages/models.js';


/**
 * Open gates where this person may vote and has not yet: the App Home's to-do list. Works for
 * anonymous gates too, since the ballot key of one person can be recomputed while the gate is open.
 */
export async function gatesAwaitingVote(deps: Deps, teamId: string, userId: string): Promise<GateAwaitingVote[]> {
  const open = await openGatesForVoter(deps.db, teamId, userId);
  const out: GateAwaitingVote[] = [];
  for (const g of open) {
    if (await hasBallot(deps.db, g.id, voterKeyFor(g, userId))) continue;
    out.push({ slug: g.slug, fromPhase: g.fromPhase, toPhase: g.toPhase, question: g.question, channelId: g.channelId, deadline: g.deadline });
  }
  return out;
}
