import { z } from 'zod';

/** The one-shot timers of drift incidents; each carries the incident id (and has it as its ref). */
export const DRIFT_ESCALATE_TIMER = 'drift.escalate';
export const DRIFT_SNOOZE_TIMER = 'drift.snooze_end';
export const DRIFT_DIGEST_TIMER = 'drift.digest';
export const DRIFT_TIMER_KINDS = [DRIFT_ESCALATE_TIMER, DRIFT_SNOOZE_TIMER, DRIFT_DIGEST_TIMER] as const;

export const IncidentTimerPayload = z.object({ incidentId: z.number().int().positive() });
