import { describe, it, expect, vi } from 'vitest';
import { fullSpec, specToSvg } from '../../src/charts/render.js';
import { SPEC_KEYWORD, readTextChunk } from '../../src/charts/png-text.js';
import { bestSoFar, metricOverTimeSpec, renderMetricOverTime, timeDomain, timeFormat, valueDomain, type MetricOverTimeInput } from '../../src/charts/metric-over-time.js';
import { CHART_COLORS } from '../../src/charts/theme.js';
import { decodePng, type Rgb } from './pixels.js';

const T0 = Date.UTC(2026, 10, 1, 9, 0);
const DAY = 86_400_000;
const points = (values: number[], step = 1.3 * DAY) => values.map((value, i) => ({ label: `run-${i + 1}`, value, at: new Date(T0 + i * step) }));

const AUC: MetricOverTimeInput = {
  title: 'churn: auc over time — é',
  metric: 'auc',
  direction: 'maximize',
  target: 0.85,
  points: points([0.71, 0.74, 0.73, 0.78, 0.8, 0.79, 0.83, 0.82, 0.845, 0.84]),
};
const LOSS: MetricOverTimeInput = { ...AUC, title: 'loss', metric: 'loss', direction: 'minimize', target: 0.3, points: points([0.5, 0.45, 0.47, 0.35, 0.32, 0.33]) };

/** The target band: the "best" green at 10% on white. */
const BAND: Rgb = [234, 246, 234];
const svgOf = (input: MetricOverTimeInput) => specToSvg(metricOverTimeSpec(input));
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? '');
const inkedRows = (counts: number[], min = 1) => counts.flatMap((c, y) => (c >= min ? [y] : []));

describe('metric over time chart', () => {
  it.each([
    { size: {}, expected: [900, 450] },
    { size: { width: 640, height: 320 }, expected: [640, 320] },
    { size: { width: 50, height: 5000 }, expected: [200, 2000] },
  ])('renders a PNG of size $expected for $size', async ({ size, expected }) => {
    const { image } = decodePng(await renderMetricOverTime({ ...AUC, ...size }));
    expect([image.width, image.height]).toEqual(expected);
  });

  it('writes the title, the legend of its series, UTC dates on the time axis and the target label', async () => {
    const shown = texts(await svgOf(AUC));
    expect(shown).toContain('churn: auc over time — é');
    expect(shown).toEqual(expect.arrayContaining(['run', 'best so far', 'target ≥ 0.85', 'logged (UTC)', 'higher is better', 'auc']));
    // Ticks over a two-week span are days, written "03 Nov".
    const dates = shown.filter((t) => /^\d\d Nov$/.test(t));
    expect(dates.length).toBeGreaterThanOrEqual(4);
    const x = (metricOverTimeSpec(AUC) as { layer: { encoding: { x?: { scale: { type: string } } } }[] }).layer.find((l) => l.encoding.x?.scale)!;
    expect(x.encoding.x!.scale.type).toBe('utc');
  });

  it('each run is a point with a tooltip naming the run, its value and when it was logged', () => {
    const spec = metricOverTimeSpec({ ...AUC, points: [{ label: 'xgb <b>', value: 0.8534567, at: new Date(Date.UTC(2026, 10, 2, 14, 5)) }] }) as unknown as {
      layer: { mark: { type: string }; data: { values: Record<string, unknown>[] }; encoding: { tooltip?: { field: string; title: string }[] } }[];
    };
    const runs = spec.layer.find((l) => l.mark.type === 'point')!;
    expect(runs.encoding.tooltip!.map((t) => t.title)).toEqual(['run', 'auc', 'logged']);
    expect(runs.data.values[0]).toMatchObject({ run: 'xgb <b>', shown: '0.8535', when: '2026-11-02 14:05 UTC' });
  });

  it('draws the runs, the best-so-far line, the dashed target and the band that meets it in their colours', async () => {
    const { count } = decodePng(await renderMetricOverTime(AUC));
    expect(count(CHART_COLORS.series)).toBeGreaterThan(300);
    expect(count(CHART_COLORS.best)).toBeGreaterThan(500);
    expect(count(CHART_COLORS.target)).toBeGreaterThan(300);
    expect(count(BAND, 6)).toBeGreaterThan(5_000);
  });

  it.each([
    { name: 'above the target rule when higher is better', input: AUC, above: true },
    { name: 'below the target rule when lower is better', input: LOSS, above: false },
  ])('shades the band $name', async ({ input, above }) => {
    const { rowCounts, image } = decodePng(await renderMetricOverTime(input));
    const red = rowCounts(CHART_COLORS.target);
    const rule = red.indexOf(Math.max(...red));
    expect(red[rule]).toBeGreaterThan(image.width * 0.3); // dashed across the plot
    const band = inkedRows(rowCounts(BAND, 6), 100);
    expect(band.length).toBeGreaterThan(5);
    if (above) expect(Math.max(...band)).toBeLessThan(rule);
    else expect(Math.min(...band)).toBeGreaterThan(rule);
  });

  it('steps the best value so far, up for maximize and down for minimize', () => {
    expect(bestSoFar([0.7, 0.75, 0.72, 0.8, 0.79], 'maximize')).toEqual([0.7, 0.75, 0.75, 0.8, 0.8]);
    expect(bestSoFar([0.5, 0.45, 0.47, 0.35], 'minimize')).toEqual([0.5, 0.45, 0.45, 0.35]);
    expect(bestSoFar([], 'maximize')).toEqual([]);
  });

  it('sorts the runs by time, whatever order they come in', () => {
    const spec = metricOverTimeSpec({ ...AUC, points: [...AUC.points].reverse() }) as unknown as { layer: { mark: { type: string }; data: { values: { t: number; best: number }[] } }[] };
    const rows = spec.layer.find((l) => l.mark.type === 'point')!.data.values;
    expect(rows.map((r) => r.t)).toEqual([...rows.map((r) => r.t)].sort((a, b) => a - b));
    expect(rows.at(-1)!.best).toBe(0.845);
  });

  it('without a target: no band, no rule, no target in the legend', async () => {
    const input = { ...AUC, target: undefined };
    const { count } = decodePng(await renderMetricOverTime(input));
    expect(count(CHART_COLORS.target)).toBe(0);
    expect(count(BAND, 6)).toBe(0);
    expect(texts(await svgOf(input)).some((t) => t.startsWith('target'))).toBe(false);
  });

  it('keeps the axis on the runs when the target is far off, and says where it is', async () => {
    const input = { ...AUC, target: 100 };
    expect(valueDomain([0.7, 0.8], 100).targetShown).toBe(false);
    const { count } = decodePng(await renderMetricOverTime(input));
    expect(count(CHART_COLORS.target)).toBe(0);
    expect(texts(await svgOf(input))).toContain('higher is better · target ≥ 100 is above the chart');
    const loss = { ...LOSS, target: -50 };
    expect(texts(await svgOf(loss))).toContain('lower is better · target ≤ -50 is below the chart');
    // A near target stays on the chart.
    expect(valueDomain([0.7, 0.8], 0.85)).toMatchObject({ targetShown: true });
  });

  it('draws one run in the middle of a day around it', async () => {
    const one = { ...AUC, points: points([0.71]) };
    expect(timeDomain([T0])).toEqual([T0 - DAY / 2, T0 + DAY / 2]);
    const { count, image, rowCounts } = decodePng(await renderMetricOverTime(one));
    expect(count(CHART_COLORS.series)).toBeGreaterThan(30);
    expect(image.width).toBe(900);
    // Times within a day are written with the hour.
    expect(texts(await svgOf(one)).some((t) => /^\d\d [A-Z][a-z]{2} \d\d:00$/.test(t))).toBe(true);
    expect(inkedRows(rowCounts(CHART_COLORS.target)).length).toBeGreaterThan(0);
  });

  it('spreads runs a script logged a second apart across the chart, with the time written to the millisecond', async () => {
    const quick = { ...AUC, points: points([0.7, 0.75, 0.8, 0.85, 0.9], 250) };
    const [lo, hi] = timeDomain(quick.points.map((p) => p.at.getTime()));
    expect(hi - lo).toBeLessThanOrEqual(1_200);
    expect(texts(await svgOf(quick)).some((t) => /^09:00:00\.\d{3}$/.test(t))).toBe(true);
    // The five dots (below the legend) fall in five different 100-px strips of the plot, not one cluster.
    const { image } = decodePng(await renderMetricOverTime(quick));
    const strips = new Set<number>();
    for (let y = Math.round(image.height * 0.2); y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const i = (y * image.width + x) * 4;
        if (image.data[i] === 0x1f && image.data[i + 1] === 0x77 && image.data[i + 2] === 0xb4) strips.add(Math.floor(x / 100));
      }
    }
    expect(strips.size).toBeGreaterThanOrEqual(5);
  });

  it('draws runs logged at the same time one above another, every one of them', async () => {
    const same = { ...AUC, target: undefined, points: points([0.6, 0.7, 0.8, 0.9], 0) };
    const { rowCounts, image } = decodePng(await renderMetricOverTime(same));
    // Four separate dots: four runs of blue rows with gaps between them, below the legend's own dot.
    const rows = inkedRows(rowCounts(CHART_COLORS.series, 4), 3).filter((y) => y > image.height * 0.15);
    const groups = rows.filter((y, i) => i === 0 || y - rows[i - 1]! > 3).length;
    expect(groups).toBe(4);
  });

  it.each([
    [[0, 4_000], '%H:%M:%S.%L'],
    [[0, 120_000], '%d %b %H:%M:%S'],
    [[0, DAY], '%d %b %H:%M'],
    [[0, 30 * DAY], '%d %b'],
    [[0, 400 * DAY], '%b %Y'],
  ] as const)('writes times over %j as %s', (domain, format) => {
    expect(timeFormat(domain)).toBe(format);
  });

  it('an empty chart says "no runs yet", with the target still shown', async () => {
    const input = { ...AUC, points: [] };
    expect(texts(await svgOf(input))).toContain('no runs yet');
    const { count } = decodePng(await renderMetricOverTime(input));
    expect(count(CHART_COLORS.series)).toBe(0);
    expect(count(CHART_COLORS.target)).toBeGreaterThan(300);
  });

  it('cuts very long run names in the middle for the tooltip, keeping the end where they differ', () => {
    const long = 'a-really-long-experiment-name-with-every-hyperparameter-in-it_lr=0.001_'.repeat(3);
    const spec = metricOverTimeSpec({ ...AUC, points: [{ label: `${long}seed=1`, value: 1, at: new Date(T0) }] }) as unknown as { layer: { mark: { type: string }; data: { values: { run: string }[] } }[] };
    const run = spec.layer.find((l) => l.mark.type === 'point')!.data.values[0]!.run;
    expect(run).toMatch(/^a-really-\S*…\S*seed=1$/);
    expect(Array.from(run).length).toBeLessThanOrEqual(40);
  });

  it('carries its own spec inside the PNG, for the sandbox page to draw interactively', async () => {
    const png = await renderMetricOverTime(AUC);
    expect(JSON.parse(readTextChunk(png, SPEC_KEYWORD)!)).toEqual(JSON.parse(JSON.stringify(fullSpec(metricOverTimeSpec(AUC)))));
    decodePng(png); // still a PNG every decoder reads
  });

  it.each([
    { name: 'NaN value', input: { ...AUC, points: points([1, Number.NaN]) }, message: /non-finite/ },
    { name: 'Infinity value', input: { ...AUC, points: points([Number.POSITIVE_INFINITY]) }, message: /non-finite/ },
    { name: 'invalid time', input: { ...AUC, points: [{ label: 'x', value: 1, at: new Date(Number.NaN) }] }, message: /invalid time/ },
    { name: 'NaN target', input: { ...AUC, target: Number.NaN }, message: /finite/ },
    { name: 'NaN width', input: { ...AUC, width: Number.NaN }, message: /finite/ },
  ])('refuses a $name', async ({ input, message }) => {
    await expect(renderMetricOverTime(input)).rejects.toThrow(message);
  });

  it('builds its spec without Vega-Lite warnings', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (const input of [AUC, LOSS, { ...AUC, points: [] }, { ...AUC, target: undefined, points: [] }, { ...AUC, target: 100 }, { ...AUC, points: points([1, 1], 0) }]) await svgOf(input);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('renders the leaderboard’s 100 runs quickly', async () => {
    const many = { ...LOSS, target: 1100, points: Array.from({ length: 100 }, (_, i) => ({ label: `exp-${i}`, value: 1200 + Math.sin(i / 3) * 300 - i, at: new Date(T0 + i * 3_600_000) })) };
    await renderMetricOverTime(many); // warm up the JIT so the timing reflects steady state
    const start = performance.now();
    const png = await renderMetricOverTime(many);
    const elapsed = performance.now() - start;
    console.info(`100-run metric-over-time chart rendered in ${elapsed.toFixed(1)} ms`);
    expect(elapsed).toBeLessThan(3_000); // about 100 ms here; loose so a busy CI cannot fail it
    expect(decodePng(png).count(CHART_COLORS.series)).toBeGreaterThan(1000);
  });
});
