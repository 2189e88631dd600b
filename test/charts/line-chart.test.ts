import { describe, it, expect } from 'vitest';
import { PNG } from 'pngjs';
import type { Rgb } from '../../src/charts/canvas.js';
import {
  CHART_COLORS,
  bestPointIndex,
  formatTicks,
  layoutLineChart,
  niceTicks,
  renderLineChart,
  type LineChartInput,
} from '../../src/charts/line-chart.js';

const maximize = (value: number) => ({ value, direction: 'maximize' as const });
const minimize = (value: number) => ({ value, direction: 'minimize' as const });
const points = (values: number[]) => values.map((value, i) => ({ label: `run-${i + 1}`, value }));

const SAMPLE: LineChartInput = {
  title: 'auc per run - churn-model',
  points: points([0.71, 0.74, 0.73, 0.78, 0.8, 0.79, 0.83, 0.82, 0.845, 0.84]),
  target: maximize(0.85),
};

/** Decodes the PNG and counts pixels of one colour per row. */
function decode(png: Buffer) {
  const image = PNG.sync.read(png);
  const rowCounts = (color: Rgb): number[] => {
    const counts: number[] = new Array<number>(image.height).fill(0);
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const i = (y * image.width + x) * 4;
        if (image.data[i] === color[0] && image.data[i + 1] === color[1] && image.data[i + 2] === color[2]) {
          counts[y] = (counts[y] ?? 0) + 1;
        }
      }
    }
    return counts;
  };
  const count = (color: Rgb) => rowCounts(color).reduce((a, b) => a + b, 0);
  return { image, rowCounts, count };
}

describe('renderLineChart', () => {
  it.each([
    { size: {}, expected: [800, 400] },
    { size: { width: 300, height: 200 }, expected: [300, 200] },
    { size: { width: 1024, height: 768 }, expected: [1024, 768] },
    { size: { width: 50, height: 5000 }, expected: [200, 2000] },
    { size: { width: 640.4, height: 199.5 }, expected: [640, 200] },
  ])('renders a valid PNG of size $expected for $size', ({ size, expected }) => {
    const { image } = decode(renderLineChart({ ...SAMPLE, ...size }));
    expect([image.width, image.height]).toEqual(expected);
  });

  it('produces a file of sensible size at 800x400', () => {
    const png = renderLineChart(SAMPLE);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.length).toBeGreaterThan(1_000);
    expect(png.length).toBeLessThan(500_000);
  });

  it('draws the series, the best point, the target and the text in their own colours', () => {
    const { count } = decode(renderLineChart(SAMPLE));
    expect(count(CHART_COLORS.series)).toBeGreaterThan(500);
    expect(count(CHART_COLORS.best)).toBeGreaterThan(20);
    expect(count(CHART_COLORS.target)).toBeGreaterThan(300);
    expect(count(CHART_COLORS.text)).toBeGreaterThan(100);
  });

  it('draws the target as a dashed line on the row its value maps to', () => {
    // Data spans 0..1 so the axis is exactly 0..1 and a 0.5 target sits mid-plot.
    const input: LineChartInput = {
      title: 'loss',
      points: points([0, 0.2, 0.9, 1]),
      target: minimize(0.5),
    };
    const layout = layoutLineChart(input);
    expect(layout.yTicks[0]).toBe(0);
    expect(layout.yTicks[layout.yTicks.length - 1]).toBe(1);

    const rows = decode(renderLineChart(input)).rowCounts(CHART_COLORS.target);
    const lineRow = rows.indexOf(Math.max(...rows));
    const middle = (layout.plot.top + layout.plot.bottom) / 2;
    expect(Math.abs(lineRow - middle)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(lineRow - layout.yToPx(0.5))).toBeLessThanOrEqual(1);
    // Dashed: most but not all of the plot width is inked on that row.
    const plotWidth = layout.plot.right - layout.plot.left;
    expect(rows[lineRow]).toBeGreaterThan(plotWidth * 0.4);
    expect(rows[lineRow]).toBeLessThan(plotWidth * 0.9);
  });

  it('widens the y range to include a target far from the data', () => {
    const layout = layoutLineChart({ title: 't', points: points([0.5, 0.6]), target: maximize(3) });
    expect(layout.yTicks[0]).toBeLessThanOrEqual(0.5);
    expect(layout.yTicks[layout.yTicks.length - 1]).toBeGreaterThanOrEqual(3);
    expect(layout.yToPx(3)).toBeGreaterThanOrEqual(layout.plot.top);
  });

  it('renders an empty chart with a message and no series', () => {
    const { image, count } = decode(renderLineChart({ title: 'auc per run - new', points: [] }));
    expect([image.width, image.height]).toEqual([800, 400]);
    expect(count(CHART_COLORS.series)).toBe(0);
    expect(count(CHART_COLORS.best)).toBe(0);
    expect(count(CHART_COLORS.mutedText)).toBeGreaterThan(50); // "no runs yet"
  });

  it('still shows the target on an empty chart', () => {
    const { count } = decode(renderLineChart({ title: 't', points: [], target: maximize(0.9) }));
    expect(count(CHART_COLORS.target)).toBeGreaterThan(300);
  });

  it('renders a single point as a highlighted best dot', () => {
    const { count } = decode(renderLineChart({ title: 'one', points: points([0.0012]) }));
    expect(count(CHART_COLORS.series)).toBeGreaterThan(10);
    expect(count(CHART_COLORS.best)).toBeGreaterThan(20);
  });

  it.each([[0], [5], [-3], [1e-9], [2e6]])('gives all-equal values (%d) a non-empty y range around them', (v) => {
    const layout = layoutLineChart({ title: 'flat', points: points([v, v, v]) });
    const first = layout.yTicks[0] ?? Number.NaN;
    const last = layout.yTicks[layout.yTicks.length - 1] ?? Number.NaN;
    expect(first).toBeLessThan(v);
    expect(last).toBeGreaterThan(v);
    expect(Number.isFinite(layout.yToPx(v))).toBe(true);
  });

  it.each([
    { name: 'NaN value', input: { title: 't', points: points([1, Number.NaN]) } },
    { name: 'Infinity value', input: { title: 't', points: points([Number.POSITIVE_INFINITY]) } },
    { name: '-Infinity value', input: { title: 't', points: points([0, Number.NEGATIVE_INFINITY]) } },
    { name: 'NaN target', input: { title: 't', points: points([1]), target: maximize(Number.NaN) } },
    { name: 'NaN width', input: { title: 't', points: points([1]), width: Number.NaN } },
  ])('throws on a $name', ({ input }) => {
    expect(() => renderLineChart(input)).toThrow(Error);
  });

  it('renders 1000 points quickly', () => {
    const input: LineChartInput = {
      title: 'loss per run - big',
      points: Array.from({ length: 1000 }, (_, i) => ({ label: `exp-${i}`, value: 1200 + Math.sin(i / 30) * 300 + i })),
      target: minimize(1500),
    };
    renderLineChart(input); // warm up zlib and the JIT so the timing reflects steady state
    const start = performance.now();
    const png = renderLineChart(input);
    const elapsed = performance.now() - start;
    console.info(`1000-point chart rendered in ${elapsed.toFixed(1)} ms`);
    expect(elapsed).toBeLessThan(2_000); // target is < 200 ms; loose so CI noise cannot fail it
    expect(decode(png).count(CHART_COLORS.series)).toBeGreaterThan(1000);
  });
});

describe('bestPointIndex', () => {
  it.each([
    { name: 'max by default', values: [1, 3, 2], target: undefined, expected: 1 },
    { name: 'max when maximizing', values: [1, 3, 2], target: maximize(5), expected: 1 },
    { name: 'min when minimizing', values: [4, 3, 5], target: minimize(1), expected: 1 },
    { name: 'earliest on a tie', values: [2, 7, 7], target: undefined, expected: 1 },
    { name: 'none when empty', values: [], target: undefined, expected: -1 },
  ])('picks $name', ({ values, target, expected }) => {
    expect(bestPointIndex({ title: 't', points: points(values), target })).toBe(expected);
  });
});

describe('niceTicks', () => {
  it.each([
    [0.71, 0.85, [0.7, 0.75, 0.8, 0.85]],
    [0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [1040, 2490, [1000, 1500, 2000, 2500]],
    [-3, 7, [-5, -2.5, 0, 2.5, 5, 7.5]],
    [0.0012, 0.0012 + 1e-6, [0.0012, 0.0012002, 0.0012004, 0.0012006, 0.0012008, 0.001201]],
  ])('covers [%d, %d] with %j', (lo, hi, expected) => {
    expect(niceTicks(lo, hi)).toEqual(expected);
  });

  it('always returns 4 to 6 evenly spaced ticks covering the range', () => {
    // Deterministic pseudo-random ranges across many magnitudes.
    let seed = 42;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 2000; i++) {
      const lo = (rand() - 0.5) * 10 ** (rand() * 10 - 5);
      const hi = lo + 10 ** (rand() * 10 - 5);
      const ticks = niceTicks(lo, hi);
      expect(ticks.length).toBeGreaterThanOrEqual(4);
      expect(ticks.length).toBeLessThanOrEqual(6);
      const first = ticks[0] ?? Number.NaN;
      const last = ticks[ticks.length - 1] ?? Number.NaN;
      const step = (last - first) / (ticks.length - 1);
      expect(first).toBeLessThanOrEqual(lo + step * 1e-6);
      expect(last).toBeGreaterThanOrEqual(hi - step * 1e-6);
      ticks.forEach((t, k) => expect(Math.abs(t - (first + k * step))).toBeLessThan(step * 1e-6));
    }
  });
});

describe('formatting', () => {
  it.each([
    [[0.7, 0.75, 0.8, 0.85], ['0.7', '0.75', '0.8', '0.85']],
    [[1000, 1500, 2000, 2500], ['1k', '1.5k', '2k', '2.5k']],
    [[0, 500, 1000, 1500], ['0', '500', '1000', '1500']],
    [[0, 0.0025, 0.005, 0.0075], ['0', '2.5e-3', '5e-3', '7.5e-3']],
    [[0, 0.005, 0.01, 0.015], ['0', '0.005', '0.01', '0.015']],
    [[-2e6, 0, 2e6, 4e6], ['-2M', '0', '2M', '4M']],
  ])('formats the axis %j in one style', (ticks, expected) => {
    expect(formatTicks(ticks)).toEqual(expected);
  });
});
