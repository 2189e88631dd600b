import type { ViabilityVerdict } from './answers.js';

export type EscalationReason = 'not_viable_majority' | 'at_risk_twice';

export type EscalationDecision = { escalate: false } | { escalate: true; reason: EscalationReason };

/**
 * Whether a closed check-in proposes a continue/stop gate: a majority of Not viable now, or a
 * second consecutive check-in that is at risk or worse. `previous` is the verdict of the project's
 * last closed check-in that got answers: a check-in nobody answered neither breaks nor extends a
 * streak (silence is not evidence either way).
 */
export function decideEscalation(current: ViabilityVerdict, previous: ViabilityVerdict | null): EscalationDecision {
  if (current === 'not_viable') return { escalate: true, reason: 'not_viable_majority' };
  const concerned = (v: ViabilityVerdict | null) => v === 'at_risk' || v === 'not_viable';
  if (current === 'at_risk' && concerned(previous)) return { escalate: true, reason: 'at_risk_twice' };
  return { escalate: false };
}
