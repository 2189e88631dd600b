import { VIABILITY_ANSWERS, type ViabilityAnswer, VIABILITY_VERDICTS, type ViabilityVerdict } from '../../shared/enums.js';

export { VIABILITY_ANSWERS, type ViabilityAnswer, VIABILITY_VERDICTS, type ViabilityVerdict };

/** The exact button labels of the spec. */
export const ANSWER_LABELS: Record<ViabilityAnswer, string> = { on_track: 'On track', at_risk: 'At risk', not_viable: 'Not viable' };

export const VERDICT_LABELS: Record<ViabilityVerdict, string> = { on_track: 'On track', at_risk: 'At risk', not_viable: 'Not viable', no_responses: 'No responses' };

export function isViabilityAnswer(text: string): text is ViabilityAnswer {
  return (VIABILITY_ANSWERS as readonly string[]).includes(text);
}
