import type { Deps } from '../../deps.js';
import { findProjectById } from '../../db/repositories/projects.js';
import { type AnswerOutcome, findCheckin, recordAnswer } from '../../db/repositories/viability.js';
import { assertMay } from '../../domain/access.js';
import type { ViabilityAnswer } from '../../shared/enums.js';
import { refreshCheckinTally } from './tally-refresh.js';
import { queueHomeRefresh } from '../projects/home-refresh.js';

/**
 * Records (or changes) a stakeholder's answer to a check-in, with an optional comment, and queues
 * the live tally's refresh. The answer is committed before this returns, so the caller may tell
 * the person it counted; a closed or unknown check-in changes nothing, and anyone who is not a
 * stakeholder or the owner is refused (a DomainError that says who may answer).
 */
export async function answerCheckin(
  deps: Deps,
  a: { teamId: string; checkinId: number; userId: string; answer: ViabilityAnswer; comment?: string | null },
): Promise<AnswerOutcome> {
  const checkin = await findCheckin(deps.db, a.teamId, a.checkinId);
  const project = checkin ? await findProjectById(deps.db, a.teamId, checkin.projectId) : undefined;
  if (!checkin || !project) return { ok: false, reason: 'unknown' };
  assertMay('answer_checkin', { userId: a.userId }, project);
  const now = deps.clock.now();
  // The person's Home stops listing the check-in as waiting for them: its redraw is queued in the
  // answer's own transaction, so a crash cannot keep offering a check-in already answered.
  const outcome = await deps.db.transaction(async (tx) => {
    const recorded = await recordAnswer(tx, { ...a, now });
    if (recorded.ok) await queueHomeRefresh(tx, a.teamId, [a.userId], now);
    return recorded;
  });
  if (outcome.ok) {
    await refreshCheckinTally(deps, a.teamId, outcome.checkin.id, now);
    deps.kickOutbox();
  }
  return outcome;
}
