import { GATE_RENDER_KIND, gateMessageRenderer } from '../services/gates/gate-message.js';
import { GATE_TIMERS } from '../services/gates/timers.js';
import type { JobRegistry } from './registry.js';

/** Every job kind of every feature; features add their handlers here. */
export function jobRegistry(): JobRegistry {
  return { schedules: {}, timers: { ...GATE_TIMERS }, renderers: { [GATE_RENDER_KIND]: gateMessageRenderer } };
}
