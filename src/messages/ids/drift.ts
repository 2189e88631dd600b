import { z } from 'zod';
import { ALERT_ACTIONS, type AlertAction } from '../../domain/drift/alert-policy.js';

/** Action and block ids of drift alert messages (`drift.<action>`), built and parsed in one place. */
export const DRIFT_ACTION = /^drift\.(acknowledge|snooze|resolve)$/;
export const DRIFT_BLOCKS = { state: 'drift_state', actions: 'drift_actions' } as const;

export const driftActionId = (action: AlertAction) => `drift.${action}`;

export function parseDriftAction(actionId: string): AlertAction | null {
  const m = DRIFT_ACTION.exec(actionId);
  const action = m?.[1];
  return action && (ALERT_ACTIONS as readonly string[]).includes(action) ? (action as AlertAction) : null;
}

/** Buttons carry the incident id as their value. */
export const IncidentIdValue = z.string().regex(/^\d{1,15}$/).transform(Number);
