import { DomainError } from '../errors.js';
import { applyAnswer, Brief, BRIEF_FIELDS, type BriefField, MAX_STAKEHOLDERS, SlackUserId } from './brief.js';

/** What the Edit brief modal submits: text per field, metrics one per line, stakeholders as user ids. */
export interface BriefEditInput {
  problem: string;
  whyMl: string;
  requirements: string;
  successMetrics: string;
  dataSources: string;
  stakeholders: string[];
  risks: string;
  timeline: string;
}

export type BriefEditOutcome = { ok: true; brief: Brief; changed: BriefField[] } | { ok: false; errors: Partial<Record<BriefField, string>> };

/**
 * Validates an edited brief field by field with the same rules as intake answers, so every
 * problem can be shown next to its own input; nothing is saved unless all fields pass.
 */
export function editBrief(current: Brief, input: BriefEditInput): BriefEditOutcome {
  const errors: Partial<Record<BriefField, string>> = {};
  let draft: Record<string, unknown> = { ...current };
  for (const field of BRIEF_FIELDS) {
    if (field === 'stakeholders') {
      const ids = [...new Set(input.stakeholders)];
      if (ids.length === 0) errors.stakeholders = 'Choose at least one stakeholder.';
      else if (ids.length > MAX_STAKEHOLDERS) errors.stakeholders = `At most ${MAX_STAKEHOLDERS} stakeholders.`;
      else if (!ids.every((id) => SlackUserId.safeParse(id).success)) errors.stakeholders = 'Choose people from the list.';
      else draft.stakeholders = ids;
      continue;
    }
    try {
      draft = applyAnswer(draft, field, input[field] ?? '');
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      errors[field] = err.message;
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const brief = Brief.parse(draft);
  const changed = BRIEF_FIELDS.filter((f) => JSON.stringify(brief[f]) !== JSON.stringify(current[f]));
  return { ok: true, brief, changed };
}
