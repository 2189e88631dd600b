import { describe, it, expect, vi } from 'vitest';
import {
  MAX_CATEGORIES,
  distributionChartSpec,
  renderDistributionChart,
  type CategoricalDistribution,
  type ColumnDistribution,
  type DistributionChartInput,
  type NumericDistribution,
} from '../../src/charts/distribution-chart.js';
import { specToSvg } from '../../src/charts/render.js';
import { CHART_COLORS } from '../../src/charts/theme.js';
import { decodePng } from './pixels.js';

const tenure: NumericDistribution = {
  name: 'tenure_months',
  kind: 'numeric',
  binEdges: [0, 6, 12, 24, 36, 60, 120],
  refCounts: [120, 90, 150, 100, 80, 40],
  curCounts: [300, 120, 100, 60, 30, 10],
};
const plan: CategoricalDistribution = {
  name: 'plan',
  kind: 'categorical',
  categories: ['basic', 'pro', 'entreprise é', 'gratuit — promo'],
  refCounts: [500, 300, 100, 80],
  curCounts: [300, 350, 150, 200],
};
const spend: NumericDistribution = {
  name: 'monthly_spend_€',
  kind: 'numeric',
  binEdges: Array.from({ length: 21 }, (_, i) => i * 25),
  refCounts: Array.from({ length: 20 }, (_, i) => Math.round(100 * Math.exp(-((i - 8) ** 2) / 20))),
  curCounts: Array.from({ length: 20 }, (_, i) => Math.round(100 * Math.exp(-((i - 11) ** 2) / 25))),
};
const country: CategoricalDistribution = {
  name: 'country',
  kind: 'categorical',
  categories: ['FR', 'DE', 'ES', 'IT'],
  refCounts: [9, 8, 7, 6],
  curCounts: [4, 8, 9, 6],
};
const FOUR: DistributionChartInput = { title: 'churn-model — drift in 4 columns', columns: [tenure, plan, spend, country] };

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? '');

/** The rows a panel draws, read back from the spec. */
function panelRows(input: DistributionChartInput, panel: number): { series: string; share: number; category?: string }[] {
  const spec = distributionChartSpec(input) as { concat: { data: { values: { series: string; share: number; category?: string }[] } }[] };
  return spec.concat[panel]?.data.values ?? [];
}
const total = (rows: { series: string; share: number }[], series: string) =>
  rows.filter((r) => r.series === series).reduce((a, r) => a + r.share, 0);

describe('renderDistributionChart', () => {
  it.each([1, 2, 3, 4])('renders %d column(s) as a PNG of sensible size', async (n) => {
    const { image, count } = decodePng(await renderDistributionChart({ columns: FOUR.columns.slice(0, n) }));
    expect(image.width).toBeGreaterThan(300);
    expect(image.width).toBeLessThan(1000);
    expect(image.height).toBeGreaterThan(200);
    expect(image.height).toBeLessThan(800);
    // Both series are drawn: the current's blue and the reference's grey (drawn see-through, so lighter).
    expect(count(CHART_COLORS.current, 40)).toBeGreaterThan(100);
    expect(count([187, 187, 187], 24)).toBeGreaterThan(100);
  });

  it('titles each panel with its column and writes names and categories as given', async () => {
    const shown = texts(await specToSvg(distributionChartSpec(FOUR)));
    for (const name of ['churn-model — drift in 4 columns', 'tenure_months', 'plan', 'monthly_spend_€', 'country']) {
      expect(shown).toContain(name);
    }
    expect(shown).toContain('entreprise é');
    expect(shown).toContain('reference');
    expect(shown).toContain('current');
    expect(shown.some((t) => t.endsWith('%'))).toBe(true);
  });

  it('draws shares, so each series adds up to 100% in every panel', () => {
    const input = { columns: [tenure, plan] };
    for (const panel of [0, 1]) {
      const rows = panelRows(input, panel);
      expect(total(rows, 'reference')).toBeCloseTo(1, 10);
      expect(total(rows, 'current')).toBeCloseTo(1, 10);
    }
  });

  it('draws an empty window as zero shares, not NaN', async () => {
    const empty = { ...plan, curCounts: [0, 0, 0, 0] };
    const rows = panelRows({ columns: [empty] }, 0);
    expect(rows.every((r) => Number.isFinite(r.share))).toBe(true);
    expect(total(rows, 'current')).toBe(0);
    decodePng(await renderDistributionChart({ columns: [empty] }));
  });

  it(`keeps ${MAX_CATEGORIES} bars at most, summing the smallest categories into "other (N)"`, async () => {
    const categories = Array.from({ length: 30 }, (_, i) => `cat-${i}`);
    const many: CategoricalDistribution = {
      name: 'many',
      kind: 'categorical',
      categories,
      refCounts: categories.map((_, i) => 30 - i),
      curCounts: categories.map((_, i) => (i === 29 ? 100 : 30 - i)),
    };
    const rows = panelRows({ columns: [many] }, 0);
    const shown = [...new Set(rows.map((r) => r.category))];
    expect(shown).toHaveLength(MAX_CATEGORIES);
    expect(shown).toContain('cat-0');
    expect(shown).toContain('cat-29'); // small in the reference but big now: that is the drift
    expect(shown).toContain('other (19)');
    expect(total(rows, 'reference')).toBeCloseTo(1, 10);
    const { image } = decodePng(await renderDistributionChart({ columns: [many] }));
    expect(image.width).toBeLessThan(1000);
  });

  it('copes with long category and column names', async () => {
    const long = 'a very long category name that someone typed into a free-text field — ';
    const column: CategoricalDistribution = { ...plan, name: 'x'.repeat(200), categories: plan.categories.map((c) => long + c) };
    const { image } = decodePng(await renderDistributionChart({ columns: [column, tenure] }));
    expect(image.width).toBeLessThan(1500);
    expect(image.height).toBeLessThan(800);
  });

  it('names the series and share of a hovered bar where the chart is drawn interactively', () => {
    const spec = distributionChartSpec({ columns: [tenure, plan] }) as unknown as { concat: [{ layer: { encoding: { tooltip: { field: string }[] } }[] }, { encoding: { tooltip: { field: string; format?: string }[] } }] };
    expect(spec.concat[0].layer[0]!.encoding.tooltip.map((t) => t.field)).toEqual(['series', 'start', 'end', 'share']);
    expect(spec.concat[1].encoding.tooltip).toEqual([expect.objectContaining({ field: 'series' }), expect.objectContaining({ field: 'category' }), expect.objectContaining({ field: 'share', format: '.1%' })]);
  });

  it('builds its spec without Vega-Lite warnings', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await specToSvg(distributionChartSpec(FOUR));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  const bad: [string, ColumnDistribution[], RegExp][] = [
    ['no columns', [], /at least one column/],
    ['five columns', [tenure, plan, spend, country, tenure], /at most 4 columns/],
    ['counts that do not match the bins', [{ ...tenure, curCounts: [1, 2] }], /curCounts has 2 entries for 6 bins/],
    ['counts that do not match the categories', [{ ...plan, refCounts: [1] }], /refCounts has 1 entries for 4 categories/],
    ['a NaN count', [{ ...plan, refCounts: [1, Number.NaN, 1, 1] }], /finite/],
    ['a negative count', [{ ...plan, curCounts: [1, -1, 1, 1] }], /≥ 0/],
    ['bin edges that do not increase', [{ ...tenure, binEdges: [0, 6, 6, 24, 36, 60, 120] }], /increase/],
    ['an infinite bin edge', [{ ...tenure, binEdges: [0, 6, 12, 24, 36, 60, Infinity] }], /bin edge 6/],
    ['a single bin edge', [{ ...tenure, binEdges: [0], refCounts: [], curCounts: [] }], /at least 2 edges/],
    ['repeated categories', [{ ...plan, categories: ['a', 'a', 'b', 'c'] }], /distinct/],
  ];
  it.each(bad)('refuses %s', async (_name, columns, message) => {
    expect(() => distributionChartSpec({ columns })).toThrow(message);
    await expect(renderDistributionChart({ columns })).rejects.toThrow(message);
  });

  it('renders four columns in reasonable time', async () => {
    const start = performance.now();
    await renderDistributionChart(FOUR);
    const elapsed = performance.now() - start;
    console.info(`4-column distribution chart rendered in ${elapsed.toFixed(1)} ms`);
    expect(elapsed).toBeLessThan(5_000);
  });
});
