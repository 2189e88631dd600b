import type { TopLevelSpec } from 'vega-lite';
import { formatMetric as formatValue } from '../shared/format-metric.js';
import { middleEllipsis } from './labels.js';
import { renderSpec } from './render.js';
import { CHART_COLORS, axisNumberFormat, chartSize } from './theme.js';

type Direction = 'maximize' | 'minimize';
type Layer = NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']>[number];

export interface LineChartInput {
  title: string;
  /** In time order; `label` is the run name, shown under its x tick when there is room. */
  points: { label: string; value: number }[];
  /** Drawn as a dashed horizontal line labelled "target 0.85"; also decides which point is best. */
  target?: { value: number; direction: Direction };
  /** Which way is better when there is no target (default maximize). */
  direction?: Direction;
  width?: number;
  height?: number;
}

/** Run names longer than this are cut in the middle so one long name cannot squeeze the plot. */
const X_LABEL_MAX_CHARS = 20;
/** Rough width of one label character at 12 px, to decide whether run names fit unrotated. */
const LABEL_CHAR_PX = 7;

/**
 * A label drawn twice: first as a thick white outline, then in colour on top, so it stays
 * readable where it crosses the series, the grid or the target line.
 */
function haloed<T extends { mark: object }>(layer: T): T[] {
  return [{ ...layer, mark: { ...layer.mark, color: '#ffffff', stroke: '#ffffff', strokeWidth: 4, strokeJoin: 'round' } }, layer];
}

/** Index of the best point: highest for maximize (also the default), lowest for minimize; -1 when empty. */
export function bestPointIndex(input: LineChartInput): number {
  const sign = directionOf(input) === 'minimize' ? -1 : 1;
  let best = -1;
  input.points.forEach((p, i) => {
    const current = input.points[best];
    // Strict comparison: on a tie the earliest run to reach the value is the best one.
    if (!current || sign * p.value > sign * current.value) best = i;
  });
  return best;
}

function directionOf(input: LineChartInput): Direction {
  return input.target?.direction ?? input.direction ?? 'maximize';
}

/** Non-finite data means an upstream bug, so fail loudly instead of drawing a lie. */
function assertFinite(input: LineChartInput): void {
  input.points.forEach((p, i) => {
    if (!Number.isFinite(p.value)) {
      throw new Error(`Chart point ${i} ("${p.label}") has a non-finite value: ${p.value}.`);
    }
  });
  if (input.target && !Number.isFinite(input.target.value)) {
    throw new Error(`Chart target must be finite, got ${input.target.value}.`);
  }
}

/** The y range to show: all values and the target, widened when it would be empty. */
function valueRange(input: LineChartInput): [number, number] {
  const values = input.points.map((p) => p.value);
  if (input.target) values.push(input.target.value);
  if (values.length === 0) return [0, 1];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (hi > lo) return [lo, hi];
  // One distinct value: centre it in a band of ±10% (±1 around zero) so it has an axis.
  const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
  return [lo - pad, lo + pad];
}

/**
 * The Vega-Lite spec of a project's metric per run, in time order: the series with its points,
 * the best run ringed and labelled, the target as a dashed line labelled "target 0.85", and
 * "higher/lower is better" under the title. Throws on non-finite values or sizes (a caller bug).
 */
export function runChartSpec(input: LineChartInput): TopLevelSpec {
  assertFinite(input);
  const width = chartSize(input.width, 800, 'width');
  const height = chartSize(input.height, 400, 'height');
  const direction = directionOf(input);
  const n = input.points.length;
  const bestIndex = bestPointIndex(input);
  const best = input.points[bestIndex];
  // The best label sits on the side of its point that faces the middle, and the target label at the
  // opposite end of its line, so the two cannot cover each other.
  const bestOnRight = bestIndex >= n / 2;
  const domain = valueRange(input);

  const runNames = input.points.map((p) => middleEllipsis(p.label, X_LABEL_MAX_CHARS));
  const longest = Math.max(0, ...runNames.map((name) => Array.from(name).length));
  const upright = n * (longest * LABEL_CHAR_PX + 12) <= width * 0.8;

  const y = {
    field: 'value',
    type: 'quantitative',
    // A little room above and below the extremes so no point or label sits on the frame.
    scale: { domain, padding: 12, nice: true, zero: false },
    axis: { format: axisNumberFormat(Math.max(...domain.map(Math.abs))), title: null },
  } as const;
  const x = {
    field: 'i',
    type: 'ordinal',
    // Run names can repeat, so x is the run's position and the axis looks its name up.
    axis: {
      title: null,
      labelExpr: 'runNames[datum.value]',
      labelAngle: upright ? 0 : -40,
      labelLimit: 0, // already shortened, and Vega's own cut would keep only the start
      labelOverlap: 'greedy',
      labelColor: CHART_COLORS.mutedText,
    },
  } as const;
  const rows = input.points.map((p, i) => ({ i, value: p.value }));

  const targetRow = input.target ? [{ value: input.target.value, label: `target ${formatValue(input.target.value)}` }] : [];
  const bestRow = best ? [{ i: bestIndex, value: best.value, label: `best ${formatValue(best.value)}` }] : [];
  // Painted in this order: the target line under the series, both labels over everything.
  const layers: Layer[] = [];
  if (targetRow.length) {
    layers.push({
      data: { values: targetRow },
      mark: { type: 'rule', color: CHART_COLORS.target, strokeWidth: 2, strokeDash: [8, 5] },
      encoding: { y },
    });
  }
  if (n > 0) {
    layers.push({
      data: { values: rows },
      mark: { type: 'line', color: CHART_COLORS.series, strokeWidth: 2, point: { filled: true, size: n > 50 ? 15 : 40, color: CHART_COLORS.series } },
      encoding: { x, y },
    });
  }
  if (bestRow.length) {
    layers.push({
      data: { values: bestRow },
      mark: { type: 'point', filled: false, size: 220, strokeWidth: 3, color: CHART_COLORS.best },
      encoding: { x, y },
    });
  }
  if (targetRow.length) {
    layers.push(
      ...haloed({
        data: { values: targetRow },
        mark: {
          type: 'text',
          color: CHART_COLORS.target,
          align: bestOnRight ? 'left' : 'right',
          dx: bestOnRight ? 4 : -4,
          baseline: 'bottom',
          dy: -5,
        },
        encoding: { y, x: { value: bestOnRight ? 0 : 'width' }, text: { field: 'label' } },
      } as const),
    );
  }
  if (bestRow.length) {
    layers.push(
      ...haloed({
        data: { values: bestRow },
        mark: {
          type: 'text',
          color: CHART_COLORS.best,
          fontWeight: 'bold',
          align: bestOnRight ? 'right' : 'left',
          dx: bestOnRight ? -12 : 12,
          // Above a maximum, below a minimum: the side with room.
          baseline: direction === 'maximize' ? 'bottom' : 'top',
          dy: direction === 'maximize' ? -8 : 8,
        },
        encoding: { x, y, text: { field: 'label' } },
      } as const),
    );
  }
  if (n === 0) {
    layers.push({
      data: { values: [{ label: 'no runs yet' }] },
      // A quarter of the way down: the middle is where a lone target line lands.
      mark: { type: 'text', fontSize: 16, color: CHART_COLORS.mutedText, x: { expr: 'width / 2' }, y: { expr: 'height / 4' } },
      encoding: { text: { field: 'label' } },
    });
  }

  return {
    width,
    height,
    // The whole picture, axes and titles included, is exactly width × height.
    autosize: { type: 'fit', contains: 'padding' },
    padding: 12,
    title: {
      text: input.title,
      subtitle: direction === 'maximize' ? 'higher is better' : 'lower is better',
      limit: width - 24,
    },
    params: [{ name: 'runNames', value: runNames }],
    layer: layers,
  };
}

/** Renders the run chart as PNG bytes. Throws on non-finite values or sizes (a caller bug). */
export async function renderLineChart(input: LineChartInput): Promise<Buffer> {
  return renderSpec(runChartSpec(input));
}
