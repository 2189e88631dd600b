/**
 * Value lists that both the schema (column enums) and the domain (rules, parsing) need. They live
 * here, below both layers, so the schema never imports the domain and the domain never imports
 * the database. Plain `as const` arrays: no drizzle, no zod.
 */

/** The phases of a project, in lifecycle order; the order drives every transition rule. */
export const PHASES = ['design', 'development', 'deployment', 'retired'] as const;
export type Phase = (typeof PHASES)[number];

export const VOTES = ['go', 'no_go', 'abstain'] as const;

/**
 * How a closed gate ended. The first three are decided by its ballots (domain/gates/rules.ts);
 * `superseded` means the project left the gate's starting phase before it closed, so the question
 * it asked no longer exists and it closed without a decision (services/gates/move-phase.ts).
 */
export const GATE_OUTCOMES = ['go', 'no_go', 'no_quorum', 'superseded'] as const;
export type GateOutcome = (typeof GATE_OUTCOMES)[number];

/** What a person answers to "Is the project still viable? Is it delivering value?". */
export const VIABILITY_ANSWERS = ['on_track', 'at_risk', 'not_viable'] as const;
export type ViabilityAnswer = (typeof VIABILITY_ANSWERS)[number];

/** A closed check-in's reading of its answers (see domain/viability/summary.ts for the rule). */
export const VIABILITY_VERDICTS = ['on_track', 'at_risk', 'not_viable', 'no_responses'] as const;
export type ViabilityVerdict = (typeof VIABILITY_VERDICTS)[number];
