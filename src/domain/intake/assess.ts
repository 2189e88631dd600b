import type { Llm } from '../../llm/llm.js';
import type { Brief } from './brief.js';
import { assessmentPrompt } from './prompts.js';

export const MAX_ASSESSMENT_CHARS = 1500;

/**
 * The LLM's short "Is ML the right tool?" assessment of a finished brief, or null without an LLM
 * or when it fails twice: the brief is complete without it.
 */
export async function assessBrief(llm: Llm | null, brief: Brief): Promise<string | null> {
  if (!llm) return null;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const text = (await llm.text({ ...assessmentPrompt(brief), maxTokens: 300 })).trim();
      if (text) return text.length > MAX_ASSESSMENT_CHARS ? `${text.slice(0, MAX_ASSESSMENT_CHARS - 1)}…` : text;
    } catch {
      /* retry once, then go without */
    }
  }
  return null;
}
