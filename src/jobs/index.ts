import { INTAKE_IDLE_TIMER, intakeIdleTimer } from '../services/intake/idle-timer.js';
import { GATE_RENDER_KIND, gateMessageRenderer } from '../services/gates/gate-message.js';
import { GATE_TIMERS } from '../services/gates/timers.js';
import { VIABILITY_RENDER_KIND, viabilityMessageRenderer } from '../services/viability/tally-refresh.js';
import type { JobRegistry } from './registry.js';
import { runViabilitySlot, VIABILITY_SCHEDULE, VIABILITY_CLOSE_TIMER } from '../services/viability/checkin.js';
import { closeViabilityCheckin } from '../services/viability/close.js';
import { stopUnusableViabilitySchedule } from '../services/viability/schedule.js';
import { VIABILITY_DM_RENDER_KIND, viabilityDmRenderer } from '../services/viability/checkin-dm.js';
import { remindCheckin, VIABILITY_REMIND_TIMER } from '../services/viability/remind.js';
import { DRIFT_INCIDENT_RENDER_KIND, incidentMessageRenderer } from '../services/drift/alerts/incident-message.js';
import { DRIFT_DIGEST_TIMER, DRIFT_ESCALATE_TIMER, DRIFT_SNOOZE_TIMER } from '../services/drift/alerts/timers.js';
import { escalateDriftIncident } from '../services/drift/alerts/escalate-timer.js';
import { endDriftSnooze } from '../services/drift/alerts/snooze-timer.js';
import { postDriftDigest } from '../services/drift/alerts/digest-timer.js';
import { RUN_NARRATIVE_TIMER, runNarrativeTimer } from '../services/experiments/run-narrative.js';
import { RUN_SUMMARY_RENDER_KIND, runSummaryRenderer } from '../services/experiments/summary-renderer.js';
import { RUNS_DAY_RENDER_KIND, runsDayRenderer } from '../services/experiments/day-thread.js';
import { HOME_RENDER_KIND } from '../services/projects/home-refresh.js';
import { homeRenderer } from '../services/projects/home.js';
import { INTAKE_ANSWER_TIMER, INTAKE_ROOT_REFUSED, intakeAnswerTimer, intakeRootRefused } from '../services/intake/conversation.js';

/** Every job kind of every feature; features add their handlers here. */
export function jobRegistry(): JobRegistry {
  return {
    schedules: { [VIABILITY_SCHEDULE]: runViabilitySlot },
    scheduleStops: { [VIABILITY_SCHEDULE]: stopUnusableViabilitySchedule },
    timers: {
      [INTAKE_IDLE_TIMER]: intakeIdleTimer,
      [VIABILITY_CLOSE_TIMER]: closeViabilityCheckin,
      [VIABILITY_REMIND_TIMER]: remindCheckin,
      ...GATE_TIMERS,
      [DRIFT_ESCALATE_TIMER]: escalateDriftIncident,
      [DRIFT_SNOOZE_TIMER]: endDriftSnooze,
      [DRIFT_DIGEST_TIMER]: postDriftDigest,
      [RUN_NARRATIVE_TIMER]: runNarrativeTimer,
      [INTAKE_ANSWER_TIMER]: intakeAnswerTimer,
    },
    renderers: { [GATE_RENDER_KIND]: gateMessageRenderer, [VIABILITY_RENDER_KIND]: viabilityMessageRenderer, [VIABILITY_DM_RENDER_KIND]: viabilityDmRenderer, [DRIFT_INCIDENT_RENDER_KIND]: incidentMessageRenderer, [RUN_SUMMARY_RENDER_KIND]: runSummaryRenderer, [RUNS_DAY_RENDER_KIND]: runsDayRenderer, [HOME_RENDER_KIND]: homeRenderer },
    outboxFailures: { [INTAKE_ROOT_REFUSED]: intakeRootRefused },
  };
}
