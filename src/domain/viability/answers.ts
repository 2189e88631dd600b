/** What a person answers to "Is the project still viable? Is it delivering value?". */
export const VIABILITY_ANSWERS = ['on_track', 'at_risk', 'not_viable'] as const;
export type ViabilityAnswer = (typeof VIABILITY_ANSWERS)[number];

/** A closed check-in's reading of its answers (see summary.ts for the rule). */
export const VIABILITY_VERDICTS = ['on_track', 'at_risk', 'not_viable', 'no_responses'] as const;
export type ViabilityVerdict = (typeof VIABILITY_VERDICTS)[number];

/** The exact button labels of the spec. */
export const ANSWER_LABELS: Record<ViabilityAnswer, string> = { on_track: 'On track', at_risk: 'At risk', not_viable: 'Not viable' };

export const VERDICT_LABELS: Record<ViabilityVerdict, string> = { on_track: 'On track', at_risk: 'At risk', not_viable: 'Not viable', no_responses: 'No responses' };

export function isViabilityAnswer(text: string): text is ViabilityAnswer {
  return (VIABILITY_ANSWERS as readonly string[]).includes(text);
}
