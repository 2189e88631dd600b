import type { App } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { ANSWER_ACTION_PATTERN, VIABILITY_IDS } from '../../messages/ids/viability.js';
import { viabilityAnswer } from './actions/viability-answer.js';
import { viabilityComment } from './actions/viability-comment.js';
import { viabilityEscalate } from './actions/viability-escalate.js';
import { viabilityCommentSubmit } from './views/viability-comment-submit.js';

/** Buttons and the modal of viability check-ins. */
export function registerViability(app: App, deps: Deps): void {
  app.action(ANSWER_ACTION_PATTERN, viabilityAnswer(deps));
  app.action(VIABILITY_IDS.comment, viabilityComment(deps));
  app.action(VIABILITY_IDS.escalate, viabilityEscalate(deps));
  app.view(VIABILITY_IDS.commentView, viabilityCommentSubmit(deps));
}
