import { VIABILITY_ANSWERS, type ViabilityAnswer, type ViabilityVerdict } from './answers.js';

export interface ViabilityResponse {
  userId: string;
  answer: ViabilityAnswer;
  comment: string | null;
}

export interface CheckinSummary {
  counts: Record<ViabilityAnswer, number>;
  total: number;
  verdict: ViabilityVerdict;
  /** Non-empty comments, in the order given. */
  comments: { userId: string; answer: ViabilityAnswer; comment: string }[];
}

/**
 * Counts the answers and reads the check-in's verdict:
 * - `not_viable`: Not viable is a strict majority of the answers (more than half);
 * - `at_risk`: otherwise, when At risk and Not viable together are at least half of the answers —
 *   a team split evenly between "on track" and "worried" is read as at risk, the cautious side;
 * - `on_track`: otherwise (On track is a strict majority);
 * - `no_responses`: nobody answered.
 */
export function summarizeResponses(responses: ViabilityResponse[]): CheckinSummary {
  const counts = Object.fromEntries(VIABILITY_ANSWERS.map((a) => [a, 0])) as Record<ViabilityAnswer, number>;
  for (const r of responses) counts[r.answer]++;
  const total = responses.length;
  const comments = responses.flatMap((r) => (r.comment?.trim() ? [{ userId: r.userId, answer: r.answer, comment: r.comment.trim() }] : []));
  return { counts, total, verdict: verdictOf(counts, total), comments };
}

function verdictOf(counts: Record<ViabilityAnswer, number>, total: number): ViabilityVerdict {
  if (total === 0) return 'no_responses';
  if (counts.not_viable * 2 > total) return 'not_viable';
  if ((counts.at_risk + counts.not_viable) * 2 >= total) return 'at_risk';
  return 'on_track';
}
