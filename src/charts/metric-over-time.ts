import type { TopLevelSpec } from 'vega-lite';
import { formatMetric } from '../shared/format-metric.js';
import { middleEllipsis } from './labels.js';
import { renderSpec } from './render.js';
import { CHART_COLORS, axisNumberFormat, chartSize } from './theme.js';

type Direction = 'maximize' | 'minimize';
type Layer = NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']>[number];

export interface MetricOverTimeInput {
  title: string;
  /** The metric's name, as the legend and the tooltips call it. */
  metric: string;
  /** Which way is better; the target's direction when there is a target. */
  direction: Direction;
  /** The region that meets it is shaded, and a dashed rule drawn at it. */
  target?: number;
  /** One per run: its name, its value and when it was logged (any order: they are sorted by time). */
  points: { label: string; value: number; at: Date }[];
  width?: number;
  height?: number;
}

/** Run names longer than this are cut in the middle (the tooltip's and the data's). */
export const RUN_LABEL_MAX_CHARS = 40;
/**
 * A target further from the runs than this many times their own spread would squeeze them into
 * a flat line at one edge: the axis then keeps to the runs, and the subtitle says where the target is.
 */
const FAR_TARGET_SPREADS = 3;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The series' names, which the legend shows; the target's carries its value. */
export const SERIES = { runs: 'run', best: 'best so far' } as const;
export const targetSeries = (direction: Direction, target: number) => `target ${direction === 'maximize' ? '≥' : '≤'} ${formatMetric(target)}`;

/** Non-finite data means an upstream bug, so fail loudly instead of drawing a lie. */
function assertFinite(input: MetricOverTimeInput): void {
  input.points.forEach((p, i) => {
    if (!Number.isFinite(p.value)) throw new Error(`Chart point ${i} ("${p.label}") has a non-finite value: ${p.value}.`);
    if (!Number.isFinite(p.at.getTime())) throw new Error(`Chart point ${i} ("${p.label}") has an invalid time.`);
  });
  if (input.target !== undefined && !Number.isFinite(input.target)) throw new Error(`Chart target must be finite, got ${input.target}.`);
}

const better = (direction: Direction, a: number, b: number) => (direction === 'maximize' ? a > b : a < b);

/** The best value reached by each point's time, in time order: what the step line draws. */
export function bestSoFar(values: readonly number[], direction: Direction): number[] {
  const out: number[] = [];
  for (const v of values) out.push(out.length === 0 || better(direction, v, out[out.length - 1]!) ? v : out[out.length - 1]!);
  return out;
}

/**
 * The y range: the runs, and the target unless it is far off (see FAR_TARGET_SPREADS); a little
 * room either side so no point sits on the frame; one distinct value gets ±10% (±1 around zero).
 */
export function valueDomain(values: readonly number[], target: number | undefined): { domain: [number, number]; targetShown: boolean } {
  const lo = values.length ? Math.min(...values) : (target ?? 0);
  const hi = values.length ? Math.max(...values) : (target ?? 1);
  const spread = hi - lo || Math.abs(lo) || 1;
  const targetShown = target !== undefined && (values.length === 0 || (target >= lo - FAR_TARGET_SPREADS * spread && target <= hi + FAR_TARGET_SPREADS * spread));
  const [a, b] = targetShown ? [Math.min(lo, target), Math.max(hi, target)] : [lo, hi];
  if (b > a) {
    const pad = (b - a) * 0.08;
    return { domain: [a - pad, b + pad], targetShown };
  }
  const pad = a === 0 ? 1 : Math.abs(a) * 0.1;
  return { domain: [a - pad, a + pad], targetShown };
}

/** The x range in ms: the runs' times with 4% room either side; one instant gets ±12 h around it. */
export function timeDomain(times: readonly number[]): [number, number] {
  if (times.length === 0) return [0, DAY];
  const lo = Math.min(...times);
  const hi = Math.max(...times);
  if (hi === lo) return [lo - 12 * HOUR, lo + 12 * HOUR];
  // Proportional, so runs a script logged seconds apart still spread across the chart.
  const pad = Math.max((hi - lo) * 0.04, 100);
  return [lo - pad, hi + pad];
}

/**
 * A d3 UTC format that reads well for this span: milliseconds within ten seconds and seconds
 * within an hour (runs a script logs come seconds apart), times within two days, days within a
 * year, else months.
 */
export function timeFormat([lo, hi]: readonly [number, number]): string {
  const span = hi - lo;
  if (span <= 10_000) return '%H:%M:%S.%L';
  if (span <= HOUR) return '%d %b %H:%M:%S';
  if (span <= 2 * DAY) return '%d %b %H:%M';
  if (span <= 300 * DAY) return '%d %b';
  return '%b %Y';
}

/**
 * The Vega-Lite spec of a project's metric over time: each run a point at the time it was logged
 * (tooltip: run, value, time), the best value so far as a step line, and with a target the region
 * that meets it shaded (≥ for maximize, ≤ for minimize) under a dashed rule labelled with it. All
 * times are UTC, and say so. Throws on non-finite values, times or sizes (a caller bug).
 */
export function metricOverTimeSpec(input: MetricOverTimeInput): TopLevelSpec {
  assertFinite(input);
  const width = chartSize(input.width, 900, 'width');
  const height = chartSize(input.height, 450, 'height');
  const { direction, target } = input;
  const sorted = [...input.points].sort((a, b) => a.at.getTime() - b.at.getTime());
  const best = bestSoFar(sorted.map((p) => p.value), direction);
  const rows = sorted.map((p, i) => ({
    run: middleEllipsis(p.label, RUN_LABEL_MAX_CHARS),
    t: p.at.getTime(),
    value: p.value,
    best: best[i]!,
    // Preformatted for the tooltip, so it reads as the messages do (0.8534, 1.2k) and in UTC.
    shown: formatMetric(p.value),
    when: `${p.at.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  }));
  const { domain, targetShown } = valueDomain(sorted.map((p) => p.value), target);
  const xDomain = timeDomain(rows.map((r) => r.t));
  const targetName = target !== undefined ? targetSeries(direction, target) : undefined;
  const seriesNames = [`${SERIES.runs}`, SERIES.best, ...(targetName && targetShown ? [targetName] : [])];

  const x = {
    field: 't',
    type: 'temporal',
    scale: { type: 'utc', domain: xDomain, nice: false },
    axis: { title: 'logged (UTC)', format: timeFormat(xDomain), labelOverlap: 'greedy', tickCount: 6, labelColor: CHART_COLORS.mutedText },
  } as const;
  const y = {
    type: 'quantitative',
    scale: { domain, nice: false, zero: false },
    axis: { format: axisNumberFormat(Math.max(...domain.map(Math.abs))), title: input.metric },
  } as const;
  const color = {
    scale: { domain: seriesNames, range: [CHART_COLORS.series, CHART_COLORS.best, CHART_COLORS.target].slice(0, seriesNames.length) },
    legend: { title: null, orient: 'top', direction: 'horizontal' },
  } as const;

  // Painted in this order: the band under everything, the rule, the best line, the runs on top.
  const layers: Layer[] = [];
  if (target !== undefined && targetShown) {
    // The band runs from the target to the edge of the plot on the side that meets it.
    const [lo, hi] = direction === 'maximize' ? [target, domain[1]] : [domain[0], target];
    layers.push(
      {
        data: { values: [{ lo, hi }] },
        mark: { type: 'rect', color: CHART_COLORS.best, opacity: 0.1 },
        encoding: { y: { ...y, field: 'lo' }, y2: { field: 'hi' }, x: { value: 0 }, x2: { value: 'width' } },
      },
      {
        data: { values: [{ target, label: targetName }] },
        mark: { type: 'rule', strokeWidth: 2, strokeDash: [8, 5] },
        encoding: { y: { ...y, field: 'target' }, color: { ...color, datum: targetName } },
      },
      {
        data: { values: [{ target, label: targetName }] },
        // Inside the band, at the left end: the side where the runs started, usually furthest from it.
        mark: { type: 'text', color: CHART_COLORS.target, align: 'left', dx: 6, baseline: direction === 'maximize' ? 'bottom' : 'top', dy: direction === 'maximize' ? -4 : 4, fontWeight: 'bold' },
        encoding: { y: { ...y, field: 'target' }, x: { value: 0 }, text: { field: 'label' } },
      },
    );
  }
  if (rows.length > 0) {
    layers.push(
      {
        data: { values: rows },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2.5 },
        encoding: { x, y: { ...y, field: 'best' }, color: { ...color, datum: SERIES.best } },
      },
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, size: rows.length > 50 ? 30 : 70, opacity: 1 },
        encoding: {
          x,
          y: { ...y, field: 'value' },
          color: { ...color, datum: SERIES.runs },
          tooltip: [
            { field: 'run', title: 'run' },
            { field: 'shown', title: input.metric },
            { field: 'when', title: 'logged' },
          ],
        },
      },
    );
  } else {
    layers.push({
      data: { values: [{ label: 'no runs yet' }] },
      mark: { type: 'text', fontSize: 16, color: CHART_COLORS.mutedText, x: { expr: 'width / 2' }, y: { expr: 'height / 4' } },
      encoding: { text: { field: 'label' } },
    });
  }
  const way = direction === 'maximize' ? 'higher is better' : 'lower is better';
  const far = target !== undefined && !targetShown ? ` · ${targetName} is ${target > domain[1] ? 'above' : 'below'} the chart` : '';
  return {
    width,
    height,
    // The whole picture, axes and titles included, is exactly width × height.
    autosize: { type: 'fit', contains: 'padding' },
    padding: 12,
    title: { text: input.title, subtitle: `${way}${far}`, limit: width - 24 },
    layer: layers,
  };
}

/** Renders the chart as PNG bytes (its spec embedded, see render.ts). Throws as metricOverTimeSpec does. */
export async function renderMetricOverTime(input: MetricOverTimeInput): Promise<Buffer> {
  return renderSpec(metricOverTimeSpec(input));
}
