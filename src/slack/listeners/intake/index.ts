import type { SlackListeners } from '../registry.js';
import type { Deps } from '../../../deps.js';
import { INTAKE_IDS } from '../../../messages/ids/intake.js';
import { briefSubmitted } from './brief-submitted.js';
import { editBriefClicked } from './edit-brief.js';
import { requestDesignGateClicked } from './request-gate.js';
import { stakeholderDecision } from './stakeholder-decision.js';
import { intakeThreadReply } from './thread-reply.js';

/** Design intake: thread answers, the Design brief's buttons, the Edit brief modal and the owner's answer to proposed stakeholders. */
export function registerIntake(listeners: SlackListeners, deps: Deps): void {
  listeners.event('message', intakeThreadReply(deps));
  listeners.action(INTAKE_IDS.editBrief, editBriefClicked(deps));
  listeners.action(INTAKE_IDS.requestGate, requestDesignGateClicked(deps));
  listeners.view(INTAKE_IDS.editView, briefSubmitted(deps));
  listeners.action(INTAKE_IDS.confirmStakeholders, stakeholderDecision(deps, true));
  listeners.action(INTAKE_IDS.declineStakeholders, stakeholderDecision(deps, false));
}
