import { INTAKE_IDLE_TIMER, intakeIdleTimer } from '../services/intake/idle-timer.js';
import { GATE_RENDER_KIND, gateMessageRenderer } from '../services/gates/gate-message.js';
import { GATE_TIMERS } from '../services/gates/timers.js';
import { VIABILITY_RENDER_KIND, viabilityMessageRenderer } from '../services/viability/tally-refresh.js';
import type { JobRegistry } from './registry.js';
import { runViabilitySlot, VIABILITY_SCHEDULE, VIABILITY_CLOSE_TIMER } from '../services/viability/checkin.js';
import { closeViabilityCheckin } from '../services/viability/close.js';

/** Every job kind of every feature; features add their handlers here. */
export function jobRegistry(): JobRegistry {
  return {
    schedules: { [VIABILITY_SCHEDULE]: runViabilitySlot },
    timers: { [INTAKE_IDLE_TIMER]: intakeIdleTimer, [VIABILITY_CLOSE_TIMER]: closeViabilityCheckin, ...GATE_TIMERS },
    renderers: { [GATE_RENDER_KIND]: gateMessageRenderer, [VIABILITY_RENDER_KIND]: viabilityMessageRenderer },
  };
}
