import { z } from 'zod';
import { BRIEF_FIELD_INFO, BRIEF_FIELDS, type Brief, type BriefDraft, type BriefField, BriefField as BriefFieldSchema } from './brief.js';
import { formatSuccessMetric } from '../metrics/success-metric.js';

/**
 * What the LLM returns for one intake answer. Text fields are copied into the brief; success
 * metrics come back as phrases that the code parses (and checks against the person's own words),
 * so no target number in the brief is the model's invention. Stakeholders are never taken from
 * the model: they are Slack mentions, parsed by code.
 */
export const IntakeExtraction = z.object({
  fields: z.object({
    problem: z.string().nullish(),
    whyMl: z.string().nullish(),
    requirements: z.string().nullish(),
    successMetrics: z.array(z.string()).nullish(),
    dataSources: z.string().nullish(),
    risks: z.string().nullish(),
    timeline: z.string().nullish(),
  }),
  /** Fields that are filled but too vague to act on. */
  vague: z.array(BriefFieldSchema).nullish(),
  /** The question to ask next, about a missing or vague field; null when the brief is complete. */
  nextQuestion: z.object({ field: BriefFieldSchema, question: z.string().trim().min(5).max(500) }).nullish(),
});
export type IntakeExtraction = z.infer<typeof IntakeExtraction>;

function describeDraft(draft: BriefDraft): string {
  return BRIEF_FIELDS.map((f) => {
    const v = draft[f];
    let shown: string;
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) shown = '(missing)';
    else if (f === 'successMetrics') shown = (v as Brief['successMetrics']).map(formatSuccessMetric).join(', ');
    else if (f === 'stakeholders') shown = `${(v as string[]).length} people mentioned`;
    else shown = String(v);
    return `- ${f} (${BRIEF_FIELD_INFO[f].label}): ${shown}`;
  }).join('\n');
}

/** The prompt that turns one free-text answer into brief fields and picks the next question. */
export function extractionPrompt(p: { draft: BriefDraft; field: BriefField; question: string; answer: string }): { system: string; user: string } {
  const system = [
    'You help an ML team write a design brief for a proposed ML project, in a Slack thread.',
    'Given the brief so far, the question just asked and the person\'s answer, return JSON:',
    '- fields: every brief field the answer gives information for (null for the others). Keep the person\'s meaning; tidy wording only.',
    '  successMetrics: one phrase per metric in the form "<name> >= <number>" or "<name> <= <number>" using only numbers the person wrote (units such as ms or % may follow the number). Never invent a number.',
    '  Leave stakeholders out: they are Slack mentions handled elsewhere.',
    '- vague: filled fields that are too vague to act on (e.g. "improve things", "soon").',
    '- nextQuestion: one short, specific question about the most important missing or vague field, or null when nothing is missing or vague.',
    `The brief fields are: ${BRIEF_FIELDS.map((f) => `${f} (${BRIEF_FIELD_INFO[f].label})`).join('; ')}.`,
  ].join('\n');
  const user = [
    'Brief so far:',
    describeDraft(p.draft),
    '',
    `Question asked (about ${p.field}): ${p.question}`,
    `Answer: ${p.answer}`,
  ].join('\n');
  return { system, user };
}

/** The prompt for the short "Is ML the right tool?" assessment of a finished brief. */
export function assessmentPrompt(brief: Brief): { system: string; user: string } {
  return {
    system:
      'You review design briefs for proposed ML projects. In at most four sentences, say whether ML is the right tool for this problem compared with a simple baseline or rules, and name the biggest open question. Plain text, no headings, no numbers that are not in the brief.',
    user: `Design brief:\n${describeDraft(brief)}`,
  };
}
