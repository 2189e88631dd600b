import { type ParamChange, runLabel } from '../domain/experiments/summary.js';
import { type SuccessMetric, compareToTarget, inferDirection, isBetter } from '../domain/metrics/success-metric.js';
import { formatMetric } from '../shared/format-metric.js';
import { type Block, context, esc, header, safeFallback, section, sectionsOfLines, slackDate } from './blocks.js';

/** A run as the comparison shows it. */
export interface CompareRun {
  id: number;
  name: string | null;
  metrics: Record<string, number>;
  params: Record<string, string>;
  commitSha: string | null;
  dataset: string | null;
  createdAt: Date;
}

export interface RunCompareView {
  projectSlug: string;
  targets: SuccessMetric[];
  a: { run: CompareRun; commitUrl: string | null };
  b: { run: CompareRun; commitUrl: string | null };
  /** Params that differ: `value` is run a's, `best` run b's. */
  params: ParamChange[];
}

const MAX_METRIC_LINES = 40;
const MAX_PARAM_LINES = 20;
const cut = (v: string, n = 60) => (Array.from(v).length > n ? `${Array.from(v).slice(0, n - 1).join('')}…` : v);
const code = (v: string | null | undefined) => (v ? `\`${esc(cut(v))}\`` : '_none_');

function value(v: number | undefined, target: SuccessMetric | undefined): string {
  if (v === undefined) return '_not reported_';
  if (!target) return formatMetric(v);
  return `${formatMetric(v)} ${compareToTarget(target, v).met ? ':white_check_mark:' : ':x:'}`;
}

/** `/mlops runs <slug> compare <a> <b>`: metrics against the targets, params that differ, commit, dataset and when, for two runs. */
export function runCompareMessage(v: RunCompareView): { text: string; blocks: Block[] } {
  const la = runLabel(v.a.run);
  const lb = runLabel(v.b.run);
  const blocks: Block[] = [header(`${v.projectSlug}: ${la} vs ${lb}`)];
  const names = [...new Set([...v.targets.map((t) => t.name), ...Object.keys(v.a.run.metrics).sort(), ...Object.keys(v.b.run.metrics).sort()])];
  const lines = names.map((name) => {
    const target = v.targets.find((t) => t.name === name);
    const direction = target?.direction ?? inferDirection(name);
    const x = v.a.run.metrics[name];
    const y = v.b.run.metrics[name];
    const winner = x !== undefined && y !== undefined ? (isBetter(direction, x, y) ? ` — *${esc(la)}* better` : isBetter(direction, y, x) ? ` — *${esc(lb)}* better` : ' — equal') : '';
    const goal = target ? ` (target ${target.direction === 'maximize' ? '≥' : '≤'} ${formatMetric(target.target)})` : '';
    return `• *${name}*${goal}: ${value(x, target)} vs ${value(y, target)}${winner}`;
  });
  const shown = lines.slice(0, MAX_METRIC_LINES);
  if (lines.length > MAX_METRIC_LINES) shown.push(`…and ${lines.length - MAX_METRIC_LINES} more.`);
  blocks.push(section(`*Metrics* (${esc(la)} vs ${esc(lb)})`), ...sectionsOfLines(shown));
  const paramLines = v.params.slice(0, MAX_PARAM_LINES).map((c) => `• *${esc(c.name)}*: ${c.value === null ? '_unset_' : code(c.value)} vs ${c.best === null ? '_unset_' : code(c.best)}`);
  if (v.params.length > MAX_PARAM_LINES) paramLines.push(`…and ${v.params.length - MAX_PARAM_LINES} more.`);
  blocks.push(section(v.params.length ? `*Params that differ*\n${paramLines.join('\n')}` : '*Params*: the same.'));
  const commit = (s: RunCompareView['a']) => (s.run.commitSha ? (s.commitUrl ? `<${s.commitUrl}|\`${s.run.commitSha.slice(0, 12)}\`>` : `\`${s.run.commitSha.slice(0, 12)}\``) : '_none_');
  const facts = (s: RunCompareView['a']) => `*${esc(runLabel(s.run))}* — logged ${slackDate(s.run.createdAt, '{date_short} {time}')} · commit ${commit(s)} · dataset ${code(s.run.dataset)}`;
  blocks.push(context(facts(v.a)), context(facts(v.b)));
  return { text: safeFallback(`${v.projectSlug}: ${la} vs ${lb}`), blocks };
}
