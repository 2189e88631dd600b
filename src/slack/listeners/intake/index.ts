import type { App } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { INTAKE_IDS } from '../../../messages/ids/intake.js';
import { briefSubmitted } from './brief-submitted.js';
import { editBriefClicked } from './edit-brief.js';
import { requestDesignGateClicked } from './request-gate.js';
import { stakeholderDecision } from './stakeholder-decision.js';
import { intakeThreadReply } from './thread-reply.js';

/** Design intake: thread answers, the Design brief's buttons, the Edit brief modal and the owner's answer to proposed stakeholders. */
export function registerIntake(app: App, deps: Deps): void {
  app.event('message', intakeThreadReply(deps));
  app.action(INTAKE_IDS.editBrief, editBriefClicked(deps));
  app.action(INTAKE_IDS.requestGate, requestDesignGateClicked(deps));
  app.view(INTAKE_IDS.editView, briefSubmitted(deps));
  app.action(INTAKE_IDS.confirmStakeholders, stakeholderDecision(deps, true));
  app.action(INTAKE_IDS.declineStakeholders, stakeholderDecision(deps, false));
}
