import type { TopLevelSpec } from 'vega-lite';
import { formatMetric } from '../shared/format-metric.js';
import { middleEllipsis } from './labels.js';
import { renderSpec } from './render.js';
import { CHART_COLORS, RUN_PALETTE, axisNumberFormat } from './theme.js';

type Direction = 'maximize' | 'minimize';
type Panel = Extract<TopLevelSpec, { concat: unknown }>['concat'][number];

export interface RunsComparedInput {
  title: string;
  /** One panel each, in this order; a target draws a dashed rule in its panel. */
  metrics: { name: string; direction: Direction; target?: number }[];
  /** One colour each, best first; a run that does not report a metric has no point in its panel. */
  runs: { label: string; values: Record<string, number> }[];
}

/** More runs than colours that tell apart, or metrics than panels that fit one Slack image, are a caller bug. */
export const MAX_COMPARED_RUNS = 5;
export const MAX_COMPARED_METRICS = 6;
const PANEL_WIDTH = 190;
const PANEL_HEIGHT = 220;
/** Legend labels longer than this are cut in the middle, where run names tend to be alike. */
const LEGEND_MAX_CHARS = 32;

/**
 * Legend labels, one per run: shortened, and made distinct when two runs share a name (or a
 * shortened one), since the legend is how a colour is told apart.
 */
export function runLegendLabels(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const short = middleEllipsis(label, LEGEND_MAX_CHARS);
    const n = (seen.get(short) ?? 0) + 1;
    seen.set(short, n);
    return n === 1 ? short : `${short} (${n})`;
  });
}

/** Non-finite data means an upstream bug, so fail loudly instead of drawing a lie. */
function assertInput(input: RunsComparedInput): void {
  if (input.runs.length === 0) throw new Error('A runs comparison needs at least one run.');
  if (input.runs.length > MAX_COMPARED_RUNS) throw new Error(`A runs comparison shows at most ${MAX_COMPARED_RUNS} runs, got ${input.runs.length}.`);
  if (input.metrics.length === 0) throw new Error('A runs comparison needs at least one metric.');
  if (input.metrics.length > MAX_COMPARED_METRICS) throw new Error(`A runs comparison shows at most ${MAX_COMPARED_METRICS} metrics, got ${input.metrics.length}.`);
  if (new Set(input.metrics.map((m) => m.name)).size !== input.metrics.length) throw new Error('A runs comparison lists each metric once.');
  for (const m of input.metrics) {
    if (m.target !== undefined && !Number.isFinite(m.target)) throw new Error(`The target of ${m.name} must be finite, got ${m.target}.`);
    for (const r of input.runs) {
      const v = r.values[m.name];
      if (v !== undefined && !Number.isFinite(v)) throw new Error(`Run "${r.label}" has a non-finite ${m.name}: ${v}.`);
    }
  }
}

/**
 * One metric's panel: a dot per run, in the runs' colours and order, its value written above it,
 * on the panel's own y scale (metrics differ in scale), with the target as a dashed rule.
 */
function metricPanel(metric: RunsComparedInput['metrics'][number], runs: RunsComparedInput['runs'], legend: string[]): Panel {
  const rows = runs.flatMap((r, i) => {
    const value = r.values[metric.name];
    return value === undefined ? [] : [{ run: legend[i]!, value, shown: formatMetric(value) }];
  });
  const values = [...rows.map((r) => r.value), ...(metric.target !== undefined ? [metric.target] : [])];
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const pad = hi > lo ? (hi - lo) * 0.15 : Math.abs(lo) * 0.1 || 1;
  const domain = [lo - pad, hi + pad];
  const y = {
    field: 'value',
    type: 'quantitative',
    scale: { domain, nice: false, zero: false },
    axis: { format: axisNumberFormat(Math.max(...domain.map(Math.abs))), title: null, tickCount: 5 },
  } as const;
  const x = { field: 'run', type: 'nominal', sort: legend, axis: null, scale: { domain: legend, padding: 0.5 } } as const;
  const color = { field: 'run', type: 'nominal', sort: legend } as const;
  const way = metric.direction === 'maximize' ? 'higher is better' : 'lower is better';
  const target = metric.target;
  return {
    title: { text: metric.name, subtitle: target !== undefined ? `target ${metric.direction === 'maximize' ? '≥' : '≤'} ${formatMetric(target)}` : way, limit: PANEL_WIDTH },
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    layer: [
      ...(target !== undefined
        ? [{ data: { values: [{ value: target }] }, mark: { type: 'rule' as const, color: CHART_COLORS.target, strokeWidth: 2, strokeDash: [8, 5] }, encoding: { y } }]
        : []),
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, size: 160, opacity: 1 },
        encoding: { x, y, color, tooltip: [{ field: 'run' }, { field: 'shown', title: metric.name }] },
      },
      {
        data: { values: rows },
        mark: { type: 'text', dy: -14, fontSize: 11, color: CHART_COLORS.text },
        encoding: { x, y, text: { field: 'shown' } },
      },
    ],
  };
}

/**
 * The Vega-Lite spec comparing a few runs across a few metrics: one panel per metric (three a
 * row), each run a colour shared by all panels and named once in the legend. Throws on bad
 * input (a caller bug): no or too many runs or metrics, a metric twice, non-finite numbers.
 */
export function runsComparedSpec(input: RunsComparedInput): TopLevelSpec {
  assertInput(input);
  const legend = runLegendLabels(input.runs.map((r) => r.label));
  return {
    padding: 12,
    title: { text: input.title, subtitle: 'each run one colour; each metric on its own scale', limit: 3 * PANEL_WIDTH + 60 },
    columns: Math.min(3, input.metrics.length),
    concat: input.metrics.map((m) => metricPanel(m, input.runs, legend)),
    resolve: { scale: { color: 'shared', x: 'independent', y: 'independent' }, legend: { color: 'shared' } },
    config: {
      concat: { spacing: 28 },
      range: { category: [...RUN_PALETTE] },
      legend: { orient: 'top', title: null, labelFontSize: 12, labelColor: CHART_COLORS.text, labelLimit: 0, columns: Math.min(3, input.runs.length), symbolSize: 120 },
    },
  };
}

/** Renders the comparison as PNG bytes (its spec embedded, see render.ts). Throws as runsComparedSpec does. */
export async function renderRunsCompared(input: RunsComparedInput): Promise<Buffer> {
  return renderSpec(runsComparedSpec(input));
}
