import { Canvas, type Rgb } from './canvas.js';
import { drawText, fitText, measureText, textHeight } from './font.js';
import { formatValue } from '../domain/metrics/format.js';

export interface LineChartInput {
  title: string;
  /** In time order; `label` is the run name, shown under its x tick when there is room. */
  points: { label: string; value: number }[];
  /** Drawn as a dashed horizontal line labelled "target 0.85"; also decides which point is best. */
  target?: { value: number; direction: 'maximize' | 'minimize' };
  /** Which way is better when there is no target (default maximize). */
  direction?: 'maximize' | 'minimize';
  width?: number;
  height?: number;
}

/** Exported so tests (and callers building legends) can look for these exact pixels. */
export const CHART_COLORS = {
  background: [255, 255, 255],
  text: [34, 34, 34],
  mutedText: [100, 100, 100],
  axis: [64, 64, 64],
  grid: [228, 228, 228],
  series: [31, 119, 180],
  best: [44, 160, 44],
  target: [214, 39, 40],
} as const satisfies Record<string, Rgb>;

const MIN_SIZE = 200;
const MAX_SIZE = 2000;
const PAD = 12;
/** Run names longer than this are cut so one long name cannot hide all the others. */
const MAX_X_LABEL_CHARS = 14;

/**
 * 4 to 6 evenly spaced "nice" values (steps of 1, 2, 2.5 or 5 times a power of ten)
 * whose span covers [lo, hi] as tightly as possible. Requires lo < hi.
 */
export function niceTicks(lo: number, hi: number): number[] {
  const span = hi - lo;
  const base = Math.floor(Math.log10(span));
  let best: { score: number; first: number; count: number; step: number } | undefined;
  for (let exp = base - 2; exp <= base + 1; exp++) {
    for (const mantissa of [1, 2, 2.5, 5]) {
      const step = mantissa * 10 ** exp;
      // The epsilon keeps float noise (0.30000000000000004) from adding a whole extra tick.
      const first = Math.floor(lo / step + 1e-9);
      const last = Math.ceil(hi / step - 1e-9);
      const count = last - first + 1;
      if (count < 4 || count > 6) continue;
      // 2.5 steps give wordier labels (0.25, 0.75), so they win only when clearly tighter.
      const score = ((last - first) * step) / span + (mantissa === 2.5 ? 0.05 : 0);
      if (!best || score < best.score) best = { score, first, count, step };
    }
  }
  if (!best) {
    // Not reached for finite lo < hi in practice; an honest 5-way split beats throwing.
    return [0, 1, 2, 3, 4].map((i) => lo + (i * span) / 4);
  }
  const { first, count, step } = best;
  const decimals = Math.max(0, Math.min(20, 1 - Math.floor(Math.log10(step))));
  return Array.from({ length: count }, (_, i) => Number(((first + i) * step).toFixed(decimals)));
}

const SUFFIXES: readonly [number, string][] = [
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'k'],
];

function shortNumber(value: number, digits: number): string {
  return String(Number(value.toPrecision(digits)));
}

function shortExponential(value: number, digits: number): string {
  return Number(value.toPrecision(digits)).toExponential();
}

/**
 * Labels for a whole axis, in one style so an axis never mixes "0.01" with "5e-3".
 * A k/M/B suffix is used only when every non-zero tick reaches it: "1.2k, 1.4k" but
 * "500, 1000" rather than "0.5k, 1k".
 */
export function formatTicks(ticks: readonly number[]): string[] {
  const nonZero = ticks.filter((t) => t !== 0).map(Math.abs);
  if (nonZero.length === 0) return ticks.map(() => '0');
  const maxAbs = Math.max(...nonZero);
  const minAbs = Math.min(...nonZero);
  const each = (f: (t: number) => string) => ticks.map((t) => (t === 0 ? '0' : f(t)));
  if (maxAbs >= 1e15 || maxAbs < 0.01) return each((t) => shortExponential(t, 6));
  for (const [unit, suffix] of SUFFIXES) {
    if (minAbs >= unit) return each((t) => `${shortNumber(t / unit, 6)}${suffix}`);
  }
  return each((t) => shortNumber(t, 10));
}

export interface LineChartLayout {
  width: number;
  height: number;
  /** Pixel bounds of the plotting area; the axes are drawn on `left` and `bottom`. */
  plot: { left: number; top: number; right: number; bottom: number };
  yTicks: number[];
  yLabels: string[];
  labelScale: number;
  titleScale: number;
  /** Pixel row of a data value (not rounded). */
  yToPx(value: number): number;
  /** Pixel column of the i-th point (not rounded). */
  xToPx(index: number): number;
}

function clampSize(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value)) throw new Error(`Chart ${name} must be a finite number, got ${value}.`);
  return Math.min(MAX_SIZE, Math.max(MIN_SIZE, Math.round(value)));
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

/** Computes where everything goes; exported so tests can check pixels against values. */
export function layoutLineChart(input: LineChartInput): LineChartLayout {
  assertFinite(input);
  const width = clampSize(input.width, 800, 'width');
  const height = clampSize(input.height, 400, 'height');
  const labelScale = width >= 1200 && height >= 600 ? 2 : 1;
  // The title stays one step larger than the labels so it reads as a heading.
  const titleScale = labelScale === 2 ? 3 : width >= 400 && height >= 250 ? 2 : 1;

  const [lo, hi] = valueRange(input);
  const yTicks = niceTicks(lo, hi);
  const yLabels = formatTicks(yTicks);
  const yMin = yTicks[0] ?? lo;
  const yMax = yTicks[yTicks.length - 1] ?? hi;

  const labelWidth = Math.max(...yLabels.map((l) => measureText(l, labelScale)));
  const plot = {
    left: PAD + labelWidth + 10,
    // Room below the title for the top tick label and a best-point label above the plot.
    top: PAD + textHeight(titleScale) + 8 + textHeight(labelScale),
    right: width - PAD - 8,
    bottom: height - PAD - textHeight(labelScale) - 10,
  };
  // Keep the first and last dots off the axis and the right edge.
  const inset = Math.min(16, Math.floor((plot.right - plot.left) / 10));
  const n = input.points.length;
  const xSpan = plot.right - plot.left - 2 * inset;

  return {
    width,
    height,
    plot,
    yTicks,
    yLabels,
    labelScale,
    titleScale,
    yToPx: (value) => plot.bottom - ((value - yMin) / (yMax - yMin)) * (plot.bottom - plot.top),
    xToPx: (index) => (n <= 1 ? (plot.left + plot.right) / 2 : plot.left + inset + (index * xSpan) / (n - 1)),
  };
}

/** Index of the best point: highest for maximize (also the default), lowest for minimize. */
export function bestPointIndex(input: LineChartInput): number {
  const sign = (input.target?.direction ?? input.direction) === 'minimize' ? -1 : 1;
  let best = -1;
  input.points.forEach((p, i) => {
    const current = input.points[best];
    // Strict comparison: on a tie the earliest run to reach the value is the best one.
    if (!current || sign * p.value > sign * current.value) best = i;
  });
  return best;
}

function drawYAxis(canvas: Canvas, layout: LineChartLayout): void {
  const { plot, labelScale } = layout;
  const half = textHeight(labelScale) / 2;
  layout.yTicks.forEach((tick, i) => {
    const y = Math.round(layout.yToPx(tick));
    canvas.fillRect(plot.left + 1, y, plot.right - plot.left, 1, CHART_COLORS.grid);
    canvas.fillRect(plot.left - 4, y, 4, 1, CHART_COLORS.axis);
    const label = layout.yLabels[i] ?? '';
    const x = plot.left - 7 - measureText(label, labelScale);
    drawText(canvas, label, x, y - half + 1, CHART_COLORS.text, labelScale);
  });
  canvas.fillRect(plot.left, plot.top, 1, plot.bottom - plot.top + 1, CHART_COLORS.axis);
  canvas.fillRect(plot.left, plot.bottom, plot.right - plot.left + 1, 1, CHART_COLORS.axis);
}

/** Labels every k-th point so run names never overlap; with many points most are skipped. */
function drawXLabels(canvas: Canvas, layout: LineChartLayout, input: LineChartInput): void {
  const { plot, labelScale } = layout;
  const n = input.points.length;
  const maxLabelWidth = measureText('x'.repeat(MAX_X_LABEL_CHARS), labelScale);
  const labels = input.points.map((p) => fitText(p.label, maxLabelWidth, labelScale));
  const widest = Math.max(0, ...labels.map((l) => measureText(l, labelScale)));
  const pitch = n > 1 ? layout.xToPx(1) - layout.xToPx(0) : Infinity;
  const stride = Math.max(1, Math.ceil((widest + 10) / pitch));
  for (let i = 0; i < n; i += stride) {
    const x = Math.round(layout.xToPx(i));
    canvas.fillRect(x, plot.bottom + 1, 1, 4, CHART_COLORS.axis);
    const label = labels[i] ?? '';
    const w = measureText(label, labelScale);
    const left = Math.min(Math.max(x - w / 2, 1), canvas.width - w - 1);
    drawText(canvas, label, left, plot.bottom + 8, CHART_COLORS.mutedText, labelScale);
  }
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Draws the dashed target line and its label; returns both boxes so other labels can avoid them. */
function drawTarget(canvas: Canvas, layout: LineChartLayout, target: NonNullable<LineChartInput['target']>): Rect[] {
  const { plot, labelScale } = layout;
  const y = Math.round(layout.yToPx(target.value));
  canvas.drawDashedHLine(plot.left + 1, plot.right, y, CHART_COLORS.target);
  const label = `target ${formatValue(target.value)}`;
  const w = measureText(label, labelScale);
  const h = textHeight(labelScale);
  // Above the line unless that would collide with the top of the plot.
  const box = { x: plot.right - w - 2, y: y - h - 4 >= plot.top ? y - h - 4 : y + 5, w, h };
  drawText(canvas, label, box.x, box.y, CHART_COLORS.target, labelScale);
  return [box, { x: plot.left, y: y - 2, w: plot.right - plot.left, h: 5 }];
}

function drawSeries(canvas: Canvas, layout: LineChartLayout, input: LineChartInput, avoid: Rect[]): void {
  const pts = input.points.map((p, i) => [layout.xToPx(i), layout.yToPx(p.value)] as const);
  for (let i = 1; i < pts.length; i++) {
    const [x0, y0] = pts[i - 1] ?? [0, 0];
    const [x1, y1] = pts[i] ?? [0, 0];
    canvas.drawLine(x0, y0, x1, y1, CHART_COLORS.series, 2);
  }
  // Dense series get smaller dots so the line stays readable rather than a solid band.
  const pitch = pts.length > 1 ? layout.xToPx(1) - layout.xToPx(0) : Infinity;
  const radius = pitch >= 10 ? 3 : pitch >= 5 ? 2 : 1;
  for (const [x, y] of pts) canvas.fillCircle(x, y, radius, CHART_COLORS.series);

  const best = bestPointIndex(input);
  const point = input.points[best];
  if (!point) return;
  // A ring around the normal dot, so the best run stays visibly part of the series.
  const [bx, by] = pts[best] ?? [0, 0];
  canvas.fillCircle(bx, by, radius + 4, CHART_COLORS.best);
  canvas.fillCircle(bx, by, radius + 1, CHART_COLORS.background);
  canvas.fillCircle(bx, by, radius, CHART_COLORS.series);
  drawBestLabel(canvas, layout, `best ${formatValue(point.value)}`, bx, by, avoid);
}

/** Puts the label at the first corner around the point that stays in bounds and clear of `avoid`. */
function drawBestLabel(
  canvas: Canvas,
  layout: LineChartLayout,
  label: string,
  px: number,
  py: number,
  avoid: Rect[],
): void {
  const { plot, labelScale } = layout;
  const w = measureText(label, labelScale);
  const h = textHeight(labelScale);
  const right = px + 9;
  const left = px - 9 - w;
  const above = py - h - 6;
  const below = py + 7;
  const candidates: Rect[] = [
    { x: right, y: above, w, h },
    { x: left, y: above, w, h },
    { x: right, y: below, w, h },
    { x: left, y: below, w, h },
  ];
  const fits = (r: Rect) =>
    r.x >= plot.left + 2 &&
    r.x + r.w <= canvas.width - 2 &&
    r.y >= plot.top - h - 2 &&
    r.y + r.h <= plot.bottom - 2 &&
    !avoid.some((a) => overlaps(a, r));
  const chosen = candidates.find(fits) ?? candidates.find((r) => r.x + r.w <= canvas.width - 2) ?? candidates[1];
  if (chosen) drawText(canvas, label, chosen.x, chosen.y, CHART_COLORS.best, labelScale);
}

function drawTitle(canvas: Canvas, layout: LineChartLayout, title: string): void {
  const text = fitText(title, layout.width - 2 * PAD, layout.titleScale);
  const x = Math.round((layout.width - measureText(text, layout.titleScale)) / 2);
  drawText(canvas, text, x, PAD, CHART_COLORS.text, layout.titleScale);
}

/** Renders the chart as PNG bytes. Throws on non-finite values or sizes (a caller bug). */
export function renderLineChart(input: LineChartInput): Buffer {
  const layout = layoutLineChart(input);
  const canvas = new Canvas(layout.width, layout.height, CHART_COLORS.background);
  drawTitle(canvas, layout, input.title);
  drawYAxis(canvas, layout);
  const taken = input.target ? drawTarget(canvas, layout, input.target) : [];
  if (input.points.length === 0) {
    const { plot } = layout;
    const scale = layout.titleScale;
    const message = 'no runs yet';
    const x = (plot.left + plot.right - measureText(message, scale)) / 2;
    // A quarter of the way down: the middle is where a lone target line lands.
    const y = plot.top + (plot.bottom - plot.top) / 4 - textHeight(scale) / 2;
    drawText(canvas, message, x, y, CHART_COLORS.mutedText, scale);
  } else {
    drawXLabels(canvas, layout, input);
    drawSeries(canvas, layout, input, taken);
  }
  return canvas.toPng();
}
