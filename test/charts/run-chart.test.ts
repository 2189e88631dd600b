import { describe, it, expect, vi } from 'vitest';
import { specToSvg } from '../../src/charts/render.js';
import { bestPointIndex, renderLineChart, runChartSpec, type LineChartInput } from '../../src/charts/run-chart.js';
import { CHART_COLORS } from '../../src/charts/theme.js';
import { decodePng } from './pixels.js';

const maximize = (value: number) => ({ value, direction: 'maximize' as const });
const minimize = (value: number) => ({ value, direction: 'minimize' as const });
const points = (values: number[]) => values.map((value, i) => ({ label: `run-${i + 1}`, value }));

const SAMPLE: LineChartInput = {
  title: 'churn-model: auc per run — é',
  points: points([0.71, 0.74, 0.73, 0.78, 0.8, 0.79, 0.83, 0.82, 0.845, 0.84]),
  target: maximize(0.85),
};

const svgOf = (input: LineChartInput) => specToSvg(runChartSpec(input));
/** The text of every <text> element, unescaped enough for our labels. */
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? '');

describe('renderLineChart', () => {
  it.each([
    { size: {}, expected: [800, 400] },
    { size: { width: 900, height: 450 }, expected: [900, 450] },
    { size: { width: 300, height: 200 }, expected: [300, 200] },
    { size: { width: 50, height: 5000 }, expected: [200, 2000] },
    { size: { width: 640.4, height: 199.5 }, expected: [640, 200] },
  ])('renders a valid PNG of size $expected for $size', async ({ size, expected }) => {
    const { image } = decodePng(await renderLineChart({ ...SAMPLE, ...size }));
    expect([image.width, image.height]).toEqual(expected);
  });

  it('produces a file of sensible size', async () => {
    const png = await renderLineChart(SAMPLE);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.length).toBeGreaterThan(2_000);
    expect(png.length).toBeLessThan(500_000);
  });

  it('writes the title, run names and labels as typed: accents, dashes, lowercase', async () => {
    const input = { ...SAMPLE, points: [{ label: 'résumé-v2', value: 0.7 }, ...SAMPLE.points] };
    const shown = texts(await svgOf(input));
    expect(shown).toContain('churn-model: auc per run — é');
    expect(shown).toContain('résumé-v2');
    expect(shown).toContain('run-1');
    expect(shown).toContain('higher is better');
  });

  it('draws the series, the best point and the target in their colours', async () => {
    const { count } = decodePng(await renderLineChart(SAMPLE));
    expect(count(CHART_COLORS.series)).toBeGreaterThan(500);
    expect(count(CHART_COLORS.best)).toBeGreaterThan(40);
    expect(count(CHART_COLORS.target)).toBeGreaterThan(300);
  });

  it('draws the target as a dashed line labelled "target 0.85"', async () => {
    const svg = await svgOf(SAMPLE);
    expect(texts(svg)).toContain('target 0.85');
    expect(svg).toMatch(new RegExp(`stroke="${CHART_COLORS.target}"[^>]*stroke-dasharray="8,5"`));
  });

  it.each([
    { name: 'above the runs when it is higher', target: maximize(0.95), above: true },
    { name: 'below the runs when it is lower', target: minimize(0.2), above: false },
  ])('puts the target line $name', async ({ target, above }) => {
    const { rowCounts, image } = decodePng(await renderLineChart({ title: 't', points: points([0.5, 0.6, 0.55, 0.7]), target }));
    const targetRows = rowCounts(CHART_COLORS.target);
    const lineRow = targetRows.indexOf(Math.max(...targetRows));
    // Dashed: a good part, but not all, of that row is inked.
    expect(targetRows[lineRow]).toBeGreaterThan(image.width * 0.3);
    expect(targetRows[lineRow]).toBeLessThan(image.width * 0.9);
    const seriesRows = rowCounts(CHART_COLORS.series).flatMap((c, y) => (c > 0 ? [y] : []));
    if (above) expect(lineRow).toBeLessThan(Math.min(...seriesRows));
    else expect(lineRow).toBeGreaterThan(Math.max(...seriesRows));
  });

  it('labels the highest run best when higher is better, the lowest when lower is', async () => {
    const values = [0.4, 0.9, 0.2, 0.6];
    expect(texts(await svgOf({ title: 'auc', points: points(values), direction: 'maximize' }))).toContain('best 0.9');
    const loss = texts(await svgOf({ title: 'loss', points: points(values), target: minimize(0.1) }));
    expect(loss).toContain('best 0.2');
    expect(loss).toContain('lower is better');
  });

  it('renders an empty chart with a message and no series', async () => {
    const png = await renderLineChart({ title: 'auc per run - new', points: [] });
    const { image, count } = decodePng(png);
    expect([image.width, image.height]).toEqual([800, 400]);
    expect(count(CHART_COLORS.series)).toBe(0);
    expect(count(CHART_COLORS.best)).toBe(0);
    expect(texts(await svgOf({ title: 't', points: [] }))).toContain('no runs yet');
  });

  it('still shows the target on an empty chart', async () => {
    const { count } = decodePng(await renderLineChart({ title: 't', points: [], target: maximize(0.9) }));
    expect(count(CHART_COLORS.target)).toBeGreaterThan(300);
  });

  it('renders a single point as a highlighted best dot', async () => {
    const { count } = decodePng(await renderLineChart({ title: 'one', points: points([0.0012]) }));
    expect(count(CHART_COLORS.series)).toBeGreaterThan(10);
    expect(count(CHART_COLORS.best)).toBeGreaterThan(40);
    expect(texts(await svgOf({ title: 'one', points: points([0.0012]) }))).toContain('best 1.2e-3');
  });

  it.each([[0], [5], [-3], [1e-9], [2e6]])('draws all-equal values (%d) mid-height, not on the frame', async (v) => {
    const { rowCounts, image } = decodePng(await renderLineChart({ title: 'flat', points: points([v, v, v]) }));
    const rows = rowCounts(CHART_COLORS.series).flatMap((c, y) => (c > 0 ? [y] : []));
    const middle = (Math.min(...rows) + Math.max(...rows)) / 2;
    expect(middle).toBeGreaterThan(image.height * 0.3);
    expect(middle).toBeLessThan(image.height * 0.75);
  });

  it('cuts very long run names in the middle, keeping the end where they differ, and still draws every run', async () => {
    const long = 'a-really-long-experiment-name-with-every-hyperparameter-in-it_lr=0.001_depth=12_'.repeat(5);
    const input: LineChartInput = {
      title: 'x'.repeat(500),
      points: Array.from({ length: 30 }, (_, i) => ({ label: `${long}seed=${i}`, value: i % 7 })),
      width: 900,
      height: 450,
    };
    const png = await renderLineChart(input);
    const { image, count } = decodePng(png);
    expect([image.width, image.height]).toEqual([900, 450]);
    expect(count(CHART_COLORS.series)).toBeGreaterThan(500);
    const labels = texts(await svgOf(input)).filter((t) => t.startsWith('a-really'));
    expect(labels.length).toBeGreaterThan(3);
    for (const label of labels) {
      expect(label).toMatch(/^a-really-\S*…\S*seed=\d+$/);
      expect(label.length).toBeLessThanOrEqual(20);
    }
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('shows a repeated run name at each of its runs', async () => {
    const input = { title: 't', points: [{ label: 'same', value: 1 }, { label: 'same', value: 2 }, { label: 'other', value: 3 }] };
    const shown = texts(await svgOf(input));
    expect(shown.filter((t) => t === 'same')).toHaveLength(2);
  });

  it.each([
    { name: 'NaN value', input: { title: 't', points: points([1, Number.NaN]) } },
    { name: 'Infinity value', input: { title: 't', points: points([Number.POSITIVE_INFINITY]) } },
    { name: '-Infinity value', input: { title: 't', points: points([0, Number.NEGATIVE_INFINITY]) } },
    { name: 'NaN target', input: { title: 't', points: points([1]), target: maximize(Number.NaN) } },
    { name: 'NaN width', input: { title: 't', points: points([1]), width: Number.NaN } },
  ])('refuses a $name', async ({ input }) => {
    await expect(renderLineChart(input)).rejects.toThrow(/finite/);
  });

  it('builds its spec without Vega-Lite warnings', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await svgOf(SAMPLE);
      await svgOf({ title: 't', points: [] });
      await svgOf({ title: 't', points: points([1]), target: minimize(0) });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('renders the leaderboard’s charts (50 and 100 runs) quickly', async () => {
    const series = (n: number): LineChartInput => ({
      title: 'churn: loss per run',
      points: Array.from({ length: n }, (_, i) => ({ label: `exp-${i}`, value: 1200 + Math.sin(i / 3) * 300 + i })),
      target: minimize(1100),
      width: 900,
      height: 450,
    });
    await renderLineChart(series(50)); // warm up the JIT so the timing reflects steady state
    for (const n of [50, 100]) {
      const start = performance.now();
      const png = await renderLineChart(series(n));
      const elapsed = performance.now() - start;
      console.info(`${n}-point run chart rendered in ${elapsed.toFixed(1)} ms`);
      expect(elapsed).toBeLessThan(3_000); // about 100 ms here; loose so a busy CI cannot fail it
      expect(decodePng(png).count(CHART_COLORS.series)).toBeGreaterThan(1000);
    }
  });
});

describe('bestPointIndex', () => {
  it.each([
    { name: 'max by default', values: [1, 3, 2], target: undefined, direction: undefined, expected: 1 },
    { name: 'max when maximizing', values: [1, 3, 2], target: maximize(5), direction: undefined, expected: 1 },
    { name: 'min when minimizing', values: [4, 3, 5], target: minimize(1), direction: undefined, expected: 1 },
    { name: 'min for a minimized metric without target', values: [4, 3, 5], target: undefined, direction: 'minimize' as const, expected: 1 },
    { name: 'earliest on a tie', values: [2, 7, 7], target: undefined, direction: undefined, expected: 1 },
    { name: 'none when empty', values: [], target: undefined, direction: undefined, expected: -1 },
  ])('picks $name', ({ values, target, direction, expected }) => {
    expect(bestPointIndex({ title: 't', points: points(values), target, direction })).toBe(expected);
  });
});
