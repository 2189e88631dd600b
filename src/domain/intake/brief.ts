import { z } from 'zod';
import { DomainError } from '../errors.js';
import {
  MAX_SUCCESS_METRICS,
  SuccessMetric,
  parseSuccessMetrics,
} from '../metrics/success-metric.js';

/** The brief's fields in the order intake asks for them and the brief shows them. */
export const BRIEF_FIELDS = [
  'problem',
  'whyMl',
  'requirements',
  'successMetrics',
  'dataSources',
  'stakeholders',
  'risks',
  'timeline',
] as const;
export const BriefField = z.enum(BRIEF_FIELDS);
export type BriefField = z.infer<typeof BriefField>;

export const MAX_ANSWER_CHARS = 3000;
export const MAX_STAKEHOLDERS = 50;

/** Label shown in the brief and the question asked in deterministic mode (and as the LLM's fallback). */
export const BRIEF_FIELD_INFO: Record<BriefField, { label: string; question: string }> = {
  problem: {
    label: 'Problem context',
    question:
      'What problem are you trying to solve, and for whom? e.g. "Support agents spend hours routing tickets by hand."',
  },
  whyMl: {
    label: 'Why ML over a baseline or rules',
    question:
      'Why does this need ML rather than a simple baseline or rules? e.g. "Keyword rules route only 40% of tickets correctly."',
  },
  requirements: {
    label: 'Business requirements',
    question:
      'What business requirements must the solution meet? e.g. "Route each ticket within a minute, with a reason agents can read."',
  },
  successMetrics: {
    label: 'Success metrics',
    question:
      'Which success metrics will decide whether this works? e.g. "auc >= 0.85, latency_p95_ms <= 200"',
  },
  dataSources: {
    label: 'Data sources and data-quality concerns',
    question:
      'Which data sources will you use, and what data-quality concerns do you have? e.g. "Zendesk tickets since 2021; labels before 2023 are noisy."',
  },
  stakeholders: {
    label: 'Stakeholders',
    question:
      'Who are the stakeholders who should vote on phase gates? Mention them, e.g. @ana @raj',
  },
  risks: {
    label: 'Risks',
    question:
      'What are the main risks? e.g. "Urgent tickets misrouted; worse results for non-English customers."',
  },
  timeline: {
    label: 'Timeline',
    question: 'What is the timeline? e.g. "Prototype by March, in production by June."',
  },
};

export const SlackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/);
export type SlackUserId = z.infer<typeof SlackUserId>;

const BriefText = z.string().trim().min(1).max(MAX_ANSWER_CHARS);

/** A brief while intake is under way: any field may still be missing. */
export const BriefDraft = z.object({
  problem: BriefText.nullish(),
  whyMl: BriefText.nullish(),
  requirements: BriefText.nullish(),
  successMetrics: z.array(SuccessMetric).max(MAX_SUCCESS_METRICS).nullish(),
  dataSources: BriefText.nullish(),
  stakeholders: z.array(SlackUserId).max(MAX_STAKEHOLDERS).nullish(),
  risks: BriefText.nullish(),
  timeline: BriefText.nullish(),
});
export type BriefDraft = z.infer<typeof BriefDraft>;

/** A complete brief: what gates, summaries and alerts rely on. */
export const Brief = z.object({
  problem: BriefText,
  whyMl: BriefText,
  requirements: BriefText,
  successMetrics: z.array(SuccessMetric).min(1).max(MAX_SUCCESS_METRICS),
  dataSources: BriefText,
  stakeholders: z.array(SlackUserId).min(1).max(MAX_STAKEHOLDERS),
  risks: BriefText,
  timeline: BriefText,
});
export type Brief = z.infer<typeof Brief>;

function isFilled(value: BriefDraft[BriefField]): boolean {
  if (value === null || value === undefined) return false;
  return typeof value === 'string' ? value.trim() !== '' : value.length > 0;
}

/** The fields still to ask for, in asking order; blank text and empty lists count as missing. */
export function missingFields(draft: BriefDraft): BriefField[] {
  return BRIEF_FIELDS.filter((f) => !isFilled(draft[f]));
}

export function isComplete(draft: BriefDraft): draft is Brief {
  return missingFields(draft).length === 0 && Brief.safeParse(draft).success;
}

const MENTION = /<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>/g;

/** User ids from Slack mentions, `<@U123>` or `<@U123|name>`, unique and in order of appearance. */
export function parseMentions(text: string): string[] {
  return [...new Set([...text.matchAll(MENTION)].map((m) => m[1]!))];
}

function parseStakeholders(text: string): string[] {
  const ids = parseMentions(text);
  if (ids.length === 0) {
    throw new DomainError(
      'no_mentions',
      'Please @-mention at least one stakeholder so Slack links them, e.g. @ana @raj.',
    );
  }
  if (ids.length > MAX_STAKEHOLDERS) {
    throw new DomainError(
      'too_many_stakeholders',
      `That is ${ids.length} stakeholders; the limit is ${MAX_STAKEHOLDERS}.`,
    );
  }
  return ids;
}

/**
 * Stores one answer in deterministic mode: text as given (trimmed), success metrics and
 * stakeholders parsed. An answer replaces what the field held, so "Edit brief" and a repeated
 * question behave the same. Returns a new draft; the input is not changed.
 */
export function applyAnswer(draft: BriefDraft, field: BriefField, text: string): BriefDraft {
  const answer = text.trim();
  if (answer === '') {
    throw new DomainError(
      'empty_answer',
      `The answer for "${BRIEF_FIELD_INFO[field].label}" is empty; please reply with a few words.`,
    );
  }
  if (answer.length > MAX_ANSWER_CHARS) {
    throw new DomainError(
      'answer_too_long',
      `That answer is ${answer.length} characters; the limit is ${MAX_ANSWER_CHARS}.`,
    );
  }
  switch (field) {
    case 'successMetrics':
      return { ...draft, successMetrics: parseSuccessMetrics(answer) };
    case 'stakeholders':
      return { ...draft, stakeholders: parseStakeholders(answer) };
    default:
      return { ...draft, [field]: answer };
  }
}
