import type { Deps } from '../../deps.js';
import { findProjectById } from '../../db/repositories/projects.js';
import { findCheckin, findResponse } from '../../db/repositories/viability.js';
import { assertMay } from '../../domain/access.js';
import type { ViabilityAnswer } from '../../shared/enums.js';

export type CommentForm =
  | { kind: 'open'; slug: string; checkinId: number; answer?: ViabilityAnswer; comment?: string | null }
  | { kind: 'closed'; closesAt: Date }
  | { kind: 'gone' };

/** What the Add comment modal starts from: the person's answer and comment so far, unless the check-in closed (stakeholders and the owner only). */
export async function commentFormFor(deps: Deps, teamId: string, checkinId: number, userId: string): Promise<CommentForm> {
  const checkin = await findCheckin(deps.db, teamId, checkinId);
  if (!checkin) return { kind: 'gone' };
  if (checkin.closedAt || checkin.closesAt <= deps.clock.now()) return { kind: 'closed', closesAt: checkin.closesAt };
  const project = await findProjectById(deps.db, teamId, checkin.projectId);
  if (!project) return { kind: 'gone' };
  assertMay('answer_checkin', { userId }, project);
  const mine = await findResponse(deps.db, checkin.id, userId);
  return { kind: 'open', slug: project.slug, checkinId: checkin.id, answer: mine?.answer, comment: mine?.comment };
}
