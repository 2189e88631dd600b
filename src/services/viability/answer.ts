import type { Deps } from '../../deps.js';
import { type AnswerOutcome, recordAnswer } from '../../db/repositories/viability.js';
import type { ViabilityAnswer } from '../../shared/enums.js';
import { refreshCheckinTally } from './tally-refresh.js';

/**
 * Records (or changes) a person's answer to a check-in, with an optional comment, and queues the
 * live tally's refresh. The answer is committed before this returns, so the caller may tell the
 * person it counted; a closed or unknown check-in changes nothing.
 */
export async function answerCheckin(
  deps: Deps,
  a: { teamId: string; checkinId: number; userId: string; answer: ViabilityAnswer; comment?: string | null },
): Promise<AnswerOutcome> {
  const now = deps.clock.now();
  const outcome = await recordAnswer(deps.db, { ...a, now });
  if (outcome.ok) await refreshCheckinTally(deps, a.teamId, outcome.checkin.id, now);
  return outcome;
}
