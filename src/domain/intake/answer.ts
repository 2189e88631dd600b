import { DomainError } from '../errors.js';
import type { Llm } from '../../llm/llm.js';
import { parseSuccessMetric, parseSuccessMetrics, type SuccessMetric } from '../metrics/success-metric.js';
import {
  applyAnswer,
  BRIEF_FIELD_INFO,
  BriefDraft,
  type BriefField,
  MAX_ANSWER_CHARS,
  MAX_STAKEHOLDERS,
  missingFields,
  parseMentions,
} from './brief.js';
import { extractionPrompt, IntakeExtraction } from './prompts.js';

/** Where a conversation stands: the brief so far and the question the person is answering. */
export interface IntakeState {
  draft: BriefDraft;
  field: BriefField;
  question: string;
  /** How many times a question about each field has been asked. */
  asked: Record<string, number>;
}

export interface NextQuestion {
  field: BriefField;
  question: string;
  /** Worded by the LLM rather than taken from BRIEF_FIELD_INFO. */
  generated: boolean;
}

export type AnswerOutcome =
  | { kind: 'rejected'; message: string; question: string }
  | {
      kind: 'accepted';
      draft: BriefDraft;
      changed: BriefField[];
      next: NextQuestion | null;
      asked: Record<string, number>;
      /** How the answer was read: by the LLM, by code after the LLM failed twice, or by code (no LLM). */
      via: 'llm' | 'fallback' | 'deterministic';
    };

/** A question about a field is asked at most this often: the first time and one follow-up. */
export const MAX_ASKS_PER_FIELD = 2;
const TEXT_FIELDS = ['problem', 'whyMl', 'requirements', 'dataSources', 'risks', 'timeline'] as const;

export function firstQuestion(): NextQuestion {
  return { field: 'problem', question: BRIEF_FIELD_INFO.problem.question, generated: false };
}

function deterministicNext(draft: BriefDraft): NextQuestion | null {
  const field = missingFields(draft)[0];
  return field ? { field, question: BRIEF_FIELD_INFO[field].question, generated: false } : null;
}

function bump(asked: Record<string, number>, next: NextQuestion | null): Record<string, number> {
  return next ? { ...asked, [next.field]: (asked[next.field] ?? 0) + 1 } : asked;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Checks every answer gets before anyone reads it, so an empty or oversized one never reaches the LLM. */
function checkAnswer(state: IntakeState, text: string): string | null {
  const answer = text.trim();
  if (answer === '') return `The answer for "${BRIEF_FIELD_INFO[state.field].label}" is empty; please reply with a few words.`;
  if (answer.length > MAX_ANSWER_CHARS) return `That answer is ${answer.length} characters; the limit is ${MAX_ANSWER_CHARS}. Please shorten it.`;
  return null;
}

function deterministic(state: IntakeState, text: string, via: 'llm' | 'fallback' | 'deterministic'): AnswerOutcome {
  let draft: BriefDraft;
  try {
    draft = applyAnswer(state.draft, state.field, text);
  } catch (err) {
    if (err instanceof DomainError) return { kind: 'rejected', message: err.message, question: state.question };
    throw err;
  }
  const next = deterministicNext(draft);
  return { kind: 'accepted', draft, changed: [state.field], next, asked: bump(state.asked, next), via };
}

/** Numbers a person wrote, so a metric target the model returns can be checked against them. */
function numbersIn(text: string): Set<number> {
  return new Set([...text.matchAll(/(?:\d+(?:\.\d+)?|\.\d+)(?:e[+-]?\d+)?/gi)].map((m) => Number(m[0])));
}

/** The model's metric phrases, parsed by code; a phrase whose number the person never wrote is dropped. */
function metricsFrom(phrases: string[], answer: string): SuccessMetric[] {
  const written = numbersIn(answer);
  const out = new Map<string, SuccessMetric>();
  for (const phrase of phrases) {
    const numbers = [...numbersIn(phrase)];
    if (numbers.length === 0 || !numbers.every((n) => written.has(n))) continue;
    try {
      const m = parseSuccessMetric(phrase);
      out.set(m.name, m);
    } catch {
      // An unparsable phrase is the model's mistake, not the person's: skip it.
    }
  }
  return [...out.values()];
}

async function extract(llm: Llm, state: IntakeState, answer: string): Promise<IntakeExtraction | null> {
  const prompt = extractionPrompt({ draft: state.draft, field: state.field, question: state.question, answer });
  // Retry once, then give up: the caller falls back to the deterministic question for this field.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return await llm.structured({ name: 'intake_answer', ...prompt, schema: IntakeExtraction });
    } catch {
      /* invalid or failed output: try again, then fall back */
    }
  }
  return null;
}

function fromExtraction(state: IntakeState, answer: string, x: IntakeExtraction): AnswerOutcome {
  const draft: BriefDraft = { ...state.draft };
  for (const f of TEXT_FIELDS) {
    const v = x.fields[f]?.trim();
    if (v) draft[f] = v.slice(0, MAX_ANSWER_CHARS);
  }
  const metrics = metricsFrom(x.fields.successMetrics ?? [], answer);
  if (metrics.length > 0) draft.successMetrics = metrics;
  else if (state.field === 'successMetrics') {
    // The model found nothing usable: read the answer as the metric parser would.
    try {
      draft.successMetrics = parseSuccessMetrics(answer);
    } catch {
      /* handled below: a follow-up question, or the parser's explanation */
    }
  }
  if (state.field === 'stakeholders') {
    const ids = parseMentions(answer);
    if (ids.length > MAX_STAKEHOLDERS) return { kind: 'rejected', message: `That is ${ids.length} stakeholders; the limit is ${MAX_STAKEHOLDERS}.`, question: state.question };
    if (ids.length > 0) draft.stakeholders = ids;
  }
  if (!BriefDraft.safeParse(draft).success) return deterministic(state, answer, 'fallback');

  const changed = (Object.keys(BRIEF_FIELD_INFO) as BriefField[]).filter((f) => !sameValue(draft[f], state.draft[f]));
  const asked = state.asked;
  const nq = x.nextQuestion ?? null;
  const canAsk = (f: BriefField) => (asked[f] ?? 0) < MAX_ASKS_PER_FIELD;

  if (!changed.includes(state.field)) {
    // The answer did not settle the field asked about: one follow-up, else store it as given.
    if (nq?.field === state.field && canAsk(state.field)) {
      const next: NextQuestion = { field: nq.field, question: nq.question, generated: true };
      return { kind: 'accepted', draft, changed, next, asked: bump(asked, next), via: 'llm' };
    }
    const stored = deterministic({ ...state, draft }, answer, 'llm');
    if (stored.kind === 'rejected') return stored;
    const next = pickNext(stored.draft, x, asked);
    return { ...stored, changed: [...new Set([...changed, state.field])], next, asked: bump(asked, next) };
  }
  const next = pickNext(draft, x, asked);
  return { kind: 'accepted', draft, changed, next, asked: bump(asked, next), via: 'llm' };
}

/** The model's question when it targets a missing or vague field not yet asked twice; else the first missing field's own question. */
function pickNext(draft: BriefDraft, x: IntakeExtraction, asked: Record<string, number>): NextQuestion | null {
  const missing = missingFields(draft);
  const vague = (x.vague ?? []).filter((f) => !missing.includes(f));
  const nq = x.nextQuestion;
  if (nq && (missing.includes(nq.field) || vague.includes(nq.field)) && (asked[nq.field] ?? 0) < MAX_ASKS_PER_FIELD) {
    return { field: nq.field, question: nq.question, generated: true };
  }
  return deterministicNext(draft);
}

/**
 * Reads one answer in an intake conversation. With an LLM, the answer may fill several fields and
 * the next question targets what is missing or vague; an LLM that fails twice falls back to
 * storing the answer as given and asking the field's own question — the conversation never stalls.
 * Without an LLM, the answer fills the field asked about. Both produce the same brief structure.
 */
export async function answerIntake(llm: Llm | null, state: IntakeState, text: string): Promise<AnswerOutcome> {
  const problem = checkAnswer(state, text);
  if (problem) return { kind: 'rejected', message: problem, question: state.question };
  if (!llm) return deterministic(state, text, 'deterministic');
  const answer = text.trim();
  const x = await extract(llm, state, answer);
  if (!x) return deterministic(state, answer, 'fallback');
  return fromExtraction(state, answer, x);
}
