import type { SlackListeners } from './registry.js';
import type { Deps } from '../../deps.js';
import { ANSWER_ACTION_PATTERN, VIABILITY_IDS } from '../../messages/ids/viability.js';
import { viabilityAnswer } from './actions/viability-answer.js';
import { viabilityComment } from './actions/viability-comment.js';
import { viabilityEscalate } from './actions/viability-escalate.js';
import { viabilityCommentSubmit } from './views/viability-comment-submit.js';

/** Buttons and the modal of viability check-ins. */
export function registerViability(listeners: SlackListeners, deps: Deps): void {
  listeners.action(ANSWER_ACTION_PATTERN, viabilityAnswer(deps));
  listeners.action(VIABILITY_IDS.comment, viabilityComment(deps));
  listeners.action(VIABILITY_IDS.escalate, viabilityEscalate(deps));
  listeners.view(VIABILITY_IDS.commentView, viabilityCommentSubmit(deps));
}
