import { isViabilityAnswer, type ViabilityAnswer } from '../../domain/viability/answers.js';

/** Action, block and view ids of viability check-ins, built and parsed in one place. */
export const VIABILITY_IDS = {
  answerPrefix: 'viability.answer.',
  comment: 'viability.comment',
  escalate: 'viability.escalate',
  commentView: 'viability.comment_view',
  tallyBlock: 'viability_tally',
  actionsBlock: 'viability_actions',
  dmActionsBlock: 'viability_dm_actions',
  trendBlock: 'viability_trend',
  escalateBlock: 'viability_escalate',
  answerInput: 'viability_answer',
  commentInput: 'viability_comment',
} as const;

export const ANSWER_ACTION_PATTERN = /^viability\.answer\.(on_track|at_risk|not_viable)$/;

export function answerActionId(answer: ViabilityAnswer): string {
  return `${VIABILITY_IDS.answerPrefix}${answer}`;
}

export function parseAnswerActionId(actionId: string): ViabilityAnswer | null {
  const m = ANSWER_ACTION_PATTERN.exec(actionId);
  return m && isViabilityAnswer(m[1]!) ? m[1] : null;
}
