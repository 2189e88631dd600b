import type { SuccessMetric } from '../domain/metrics/success-metric.js';
import { compareToTarget } from '../domain/metrics/success-metric.js';
import { formatMetric } from '../shared/format-metric.js';
import { type Block, context, esc, safeFallback, section } from './blocks.js';

/** What the root of a project's experiments thread of one UTC day shows, read from the database when it is drawn. */
export interface RunsDayView {
  projectSlug: string;
  /** The UTC day, `YYYY-MM-DD`. */
  day: string;
  /** Runs logged that day, from Slack and the API alike. */
  runs: number;
  /** The project's primary metric (the brief's first target, else the metric its runs report most); null when no run reports one. */
  metric: { name: string; direction: 'maximize' | 'minimize' } | null;
  /** The day's best value of that metric and the run that reached it; null when none of the day's runs reports it. */
  best: { value: number; runLabel: string } | null;
  /** The brief's target for that metric, if it sets one. */
  target: SuccessMetric | null;
}

const cmp = (direction: 'maximize' | 'minimize') => (direction === 'maximize' ? '≥' : '≤');

/** "best auc 0.91 (rf-2) · target ≥ 0.85 met", or what is missing; `mark` wraps the figures (bold in blocks). */
function bestPhrase(v: RunsDayView, label: (s: string) => string, mark: (s: string) => string): string {
  if (!v.metric) return 'no metrics reported yet';
  if (!v.best) return `none reports ${v.metric.name} yet`;
  const vsTarget = v.target ? ` · target ${cmp(v.target.direction)} ${formatMetric(v.target.target)} ${compareToTarget(v.target, v.best.value).met ? 'met' : 'not met'}` : '';
  return `best ${mark(v.metric.name)} ${mark(formatMetric(v.best.value))} (${label(v.best.runLabel)})${vsTarget}`;
}

/**
 * The root of a project's experiments thread of the day: runs logged with `/mlops run` and through
 * the API reply under it, and it keeps a rolling count and the day's best value of the primary
 * metric against its target, so the channel gets one line a day rather than one per run.
 */
export function runsDayRootMessage(v: RunsDayView): { text: string; blocks: Block[] } {
  const count = `${v.runs} run${v.runs === 1 ? '' : 's'}`;
  const met = v.metric && v.best && v.target ? (compareToTarget(v.target, v.best.value).met ? ' :white_check_mark:' : ' :x:') : '';
  const blocks: Block[] = [
    // The day is a UTC day (a thread per project per UTC day): said so, since readers are in other zones.
    section(`:test_tube: *Experiment runs for ${esc(v.projectSlug)}* — ${v.day} (UTC)`),
    section(`*${count}* · ${bestPhrase(v, (s) => `*${esc(s)}*`, (s) => `*${s}*`)}${met}`),
    context('Each run’s summary is in this thread; this message keeps the day’s count and best run up to date.'),
  ];
  return { text: safeFallback(`:test_tube: Experiment runs for ${v.projectSlug} on ${v.day} — ${count} · ${bestPhrase(v, (s) => s, (s) => s)}`), blocks };
}
