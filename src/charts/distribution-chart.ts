import type { TopLevelSpec } from 'vega-lite';
import { middleEllipsis } from './labels.js';
import { renderSpec } from './render.js';
import { CHART_COLORS, axisNumberFormat } from './theme.js';

/** Counts per bin of a numeric column: `binEdges` has one more entry than each counts list. */
export interface NumericDistribution {
  name: string;
  kind: 'numeric';
  binEdges: number[];
  refCounts: number[];
  curCounts: number[];
}

/** Counts per category of a categorical column, in the order the categories are listed. */
export interface CategoricalDistribution {
  name: string;
  kind: 'categorical';
  categories: string[];
  refCounts: number[];
  curCounts: number[];
}

export type ColumnDistribution = NumericDistribution | CategoricalDistribution;

export interface DistributionChartInput {
  /** Defaults to "Reference vs current distribution". */
  title?: string;
  /** The drifted columns to show, most drifted first: one small panel each. */
  columns: ColumnDistribution[];
}

/** More panels than this stop being readable in one Slack image; the caller picks the most drifted. */
export const MAX_DISTRIBUTION_COLUMNS = 4;
/** A categorical panel shows this many categories; the rest are summed into one "other" bar. */
export const MAX_CATEGORIES = 12;

const SERIES = ['reference', 'current'] as const;
const PANEL_WIDTH = 320;
const PANEL_HEIGHT = 160;
/** Category names longer than this are cut in the middle, keeping the end where similar names differ. */
const CATEGORY_MAX_CHARS = 14;

type Panel = Extract<TopLevelSpec, { concat: unknown }>['concat'][number];

/** Bad counts mean an upstream bug, so fail loudly instead of drawing a lie. */
function assertCounts(column: ColumnDistribution, expected: number, what: string): void {
  for (const [series, counts] of [['refCounts', column.refCounts], ['curCounts', column.curCounts]] as const) {
    if (counts.length !== expected) {
      throw new Error(`Column "${column.name}": ${series} has ${counts.length} entries for ${expected} ${what}.`);
    }
    const bad = counts.find((c) => !Number.isFinite(c) || c < 0);
    if (bad !== undefined) throw new Error(`Column "${column.name}": ${series} holds ${bad}; counts are finite and ≥ 0.`);
  }
}

/** Each count as a share of its series' total; all zero when the series is empty (never NaN). */
function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
}

const color = {
  field: 'series',
  type: 'nominal',
  scale: { domain: [...SERIES], range: [CHART_COLORS.reference, CHART_COLORS.current] },
  legend: { title: null, orient: 'top' },
} as const;
const share = { field: 'share', type: 'quantitative', stack: null, axis: { format: '.0%', title: null, tickCount: 4 } } as const;
/** What hovering a bar shows where the chart is drawn interactively (the sandbox page); a PNG ignores it. */
const shareTip = { field: 'share', type: 'quantitative', format: '.1%' } as const;
const binTooltip = [{ field: 'series', type: 'nominal' }, { field: 'start', type: 'quantitative', title: 'from' }, { field: 'end', type: 'quantitative', title: 'to' }, shareTip] as const;

/**
 * Reference and current overlaid on the column's real bin edges (uneven bins keep their widths):
 * the reference filled grey, the current as a translucent outline on top.
 */
function numericPanel(column: NumericDistribution): Panel {
  const edges = column.binEdges;
  if (edges.length < 2) throw new Error(`Column "${column.name}": binEdges needs at least 2 edges, got ${edges.length}.`);
  edges.forEach((e, i) => {
    if (!Number.isFinite(e)) throw new Error(`Column "${column.name}": bin edge ${i} is ${e}.`);
    if (i > 0 && e <= (edges[i - 1] ?? e)) throw new Error(`Column "${column.name}": bin edges must increase.`);
  });
  assertCounts(column, edges.length - 1, 'bins');
  const ref = shares(column.refCounts);
  const cur = shares(column.curCounts);
  const rows = SERIES.flatMap((series) =>
    (series === 'reference' ? ref : cur).map((s, i) => ({ series, start: edges[i], end: edges[i + 1], share: s })),
  );
  const domain = [edges[0] ?? 0, edges[edges.length - 1] ?? 1];
  const x = {
    field: 'start',
    type: 'quantitative',
    scale: { domain, nice: false, zero: false },
    axis: { format: axisNumberFormat(Math.max(...domain.map(Math.abs))), title: null, tickCount: 5 },
  } as const;
  return {
    title: { text: column.name, limit: PANEL_WIDTH },
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    data: { values: rows },
    layer: [
      {
        transform: [{ filter: "datum.series === 'reference'" }],
        mark: { type: 'bar', opacity: 0.7, binSpacing: 0 },
        encoding: { x, x2: { field: 'end' }, y: share, y2: { datum: 0 }, color, tooltip: [...binTooltip] },
      },
      {
        transform: [{ filter: "datum.series === 'current'" }],
        mark: { type: 'bar', fillOpacity: 0.25, strokeWidth: 2, stroke: CHART_COLORS.current, binSpacing: 0 },
        encoding: { x, x2: { field: 'end' }, y: share, y2: { datum: 0 }, color, tooltip: [...binTooltip] },
      },
    ],
  };
}

/**
 * Reference and current bars side by side per category, in the caller's order. Past
 * MAX_CATEGORIES the categories with the smallest shares are summed into "other (N)".
 */
function categoricalPanel(column: CategoricalDistribution): Panel {
  if (column.categories.length === 0) throw new Error(`Column "${column.name}": no categories.`);
  if (new Set(column.categories).size !== column.categories.length) {
    throw new Error(`Column "${column.name}": categories must be distinct.`);
  }
  assertCounts(column, column.categories.length, 'categories');
  const ref = shares(column.refCounts);
  const cur = shares(column.curCounts);
  let shown = column.categories.map((name, i) => ({ name, ref: ref[i] ?? 0, cur: cur[i] ?? 0 }));
  if (shown.length > MAX_CATEGORIES) {
    const keep = new Set(
      [...shown]
        .sort((a, b) => Math.max(b.ref, b.cur) - Math.max(a.ref, a.cur))
        .slice(0, MAX_CATEGORIES - 1)
        .map((c) => c.name),
    );
    const rest = shown.filter((c) => !keep.has(c.name));
    let otherName = `other (${rest.length})`;
    while (keep.has(otherName)) otherName = `${otherName} `; // a real category could carry that name
    const other = rest.reduce((acc, c) => ({ ...acc, ref: acc.ref + c.ref, cur: acc.cur + c.cur }), { name: otherName, ref: 0, cur: 0 });
    shown = [...shown.filter((c) => keep.has(c.name)), other];
  }
  // Two long names could shorten alike; then the later one keeps its full name rather than merge bars.
  const labels = new Map<string, string>();
  for (const c of shown) {
    const short = middleEllipsis(c.name, CATEGORY_MAX_CHARS);
    labels.set(c.name, [...labels.values()].includes(short) ? c.name : short);
  }
  const label = (name: string) => labels.get(name) ?? name;
  const rows = shown.flatMap((c) => [
    { series: 'reference', category: label(c.name), share: c.ref },
    { series: 'current', category: label(c.name), share: c.cur },
  ]);
  const upright = shown.every((c) => label(c.name).length <= 6) || shown.length <= 3;
  return {
    title: { text: column.name, limit: PANEL_WIDTH },
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    data: { values: rows },
    mark: { type: 'bar' },
    encoding: {
      x: {
        field: 'category',
        type: 'nominal',
        sort: shown.map((c) => label(c.name)),
        axis: { title: null, labelAngle: upright ? 0 : -35, labelLimit: 0 },
      },
      xOffset: { field: 'series', sort: [...SERIES] },
      y: share,
      color,
      tooltip: [{ field: 'series', type: 'nominal' }, { field: 'category', type: 'nominal' }, shareTip],
    },
  };
}

/**
 * The Vega-Lite spec comparing reference and current distributions of up to four drifted
 * columns, one titled panel per column, two panels a row, as shares so that windows of
 * different sizes compare. Throws on bad input (a caller bug): no or too many columns,
 * lengths that do not match, negative or non-finite counts, edges that do not increase.
 */
export function distributionChartSpec(input: DistributionChartInput): TopLevelSpec {
  const { columns } = input;
  if (columns.length === 0) throw new Error('A distribution chart needs at least one column.');
  if (columns.length > MAX_DISTRIBUTION_COLUMNS) {
    throw new Error(`A distribution chart shows at most ${MAX_DISTRIBUTION_COLUMNS} columns, got ${columns.length}.`);
  }
  return {
    padding: 12,
    title: {
      text: input.title ?? 'Reference vs current distribution',
      subtitle: 'share of rows per bin or category',
      limit: 2 * PANEL_WIDTH,
    },
    columns: 2,
    concat: columns.map((c) => (c.kind === 'numeric' ? numericPanel(c) : categoricalPanel(c))),
    // One legend for all panels; each panel keeps its own axes, since the columns share no units.
    // xOffset too: it splits each panel's own category width, which differs between panels.
    resolve: { scale: { color: 'shared', x: 'independent', y: 'independent', xOffset: 'independent' }, legend: { color: 'shared' } },
    config: { concat: { spacing: 24 } },
  };
}

/** Renders the distribution chart as PNG bytes. Throws on bad input (see distributionChartSpec). */
export async function renderDistributionChart(input: DistributionChartInput): Promise<Buffer> {
  return renderSpec(distributionChartSpec(input));
}
