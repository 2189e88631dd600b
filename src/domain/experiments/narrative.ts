import type { RunSummary } from './summary.js';

export const NARRATIVE_MAX = 600;

/** The prompt: the facts as plain text; the model is told to interpret, not to quote numbers. */
export function narrativePrompt(projectSlug: string, s: RunSummary, formatted: (n: number) => string): { system: string; user: string } {
  const lines = [
    `Project: ${projectSlug}. Run: ${s.runLabel}.`,
    ...s.targets.map((t) => `Target ${t.name} (${t.direction}) ${formatted(t.target)}: ${t.value === null ? 'not reported' : `${formatted(t.value)}, ${t.met ? 'met' : 'not met'}`}`),
    ...s.vsBest.map((b) => `${b.name}: ${formatted(b.value)}, ${b.verdict === 'first' ? 'first run to report it' : `${b.verdict} than the best earlier run`}`),
    s.rank ? `Rank by ${s.rank.metric}: ${s.rank.position} of ${s.rank.of}.` : '',
  ].filter(Boolean);
  return {
    system:
      'You write a two or three sentence note for an ML team in Slack about one experiment run. Interpret the facts given (progress towards targets, what to try next). Do not write any digits or numbers: the exact figures are already shown above your note. No greetings, no markdown headings.',
    user: lines.join('\n'),
  };
}

/**
 * What may be shown of the model's answer: trimmed, at most three sentences and NARRATIVE_MAX
 * characters, and nothing with a number in it — figures in messages come from the database only,
 * so a narrative that states one (right or wrong) is dropped rather than edited.
 */
export function acceptNarrative(text: string, metricNames: string[]): string | null {
  let t = text.replace(/\s+/g, ' ').trim();
  if (!t) return null;
  // Metric names such as f1 or p95 may carry digits; only free-standing numbers are refused.
  let probe = t;
  for (const name of [...metricNames].sort((a, b) => b.length - a.length)) probe = probe.split(name).join(' ');
  if (/\d/.test(probe)) return null;
  const sentences = t.match(/[^.!?]+[.!?]+(?:\s|$)|[^.!?]+$/g) ?? [t];
  t = sentences.slice(0, 3).join('').trim();
  if (t.length > NARRATIVE_MAX) t = `${t.slice(0, NARRATIVE_MAX - 1)}…`;
  return t;
}
