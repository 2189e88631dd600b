import { describe, it, expect, vi } from 'vitest';
import { specToSvg } from '../../src/charts/render.js';
import { SPEC_KEYWORD, readTextChunk } from '../../src/charts/png-text.js';
import { renderRunsCompared, runLegendLabels, runsComparedSpec, type RunsComparedInput } from '../../src/charts/runs-compared.js';
import { CHART_COLORS, RUN_PALETTE } from '../../src/charts/theme.js';
import { decodePng } from './pixels.js';

const TOP: RunsComparedInput = {
  title: 'churn: top 4 runs by auc, compared',
  metrics: [
    { name: 'auc', direction: 'maximize', target: 0.85 },
    { name: 'latency_ms', direction: 'minimize', target: 200 },
    { name: 'f1', direction: 'maximize' },
  ],
  runs: [
    { label: 'xgb-depth6', values: { auc: 0.88, latency_ms: 95, f1: 0.7 } },
    { label: 'lgbm-tuned', values: { auc: 0.86, latency_ms: 250, f1: 0.72 } },
    { label: 'baseline', values: { auc: 0.81, latency_ms: 140 } },
    { label: 'baseline', values: { auc: 0.8, latency_ms: 1400, f1: 0.5 } },
  ],
};

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? '');
type Panel = { title: { text: string; subtitle: string }; layer: { mark: { type: string }; data: { values: { run?: string; value: number }[] }; encoding: { y: { scale: { domain: number[] } } } }[] };
const panels = (input: RunsComparedInput) => (runsComparedSpec(input) as unknown as { concat: Panel[] }).concat;

describe('runs compared chart', () => {
  it('draws one panel per metric, titled with it and its target or direction', async () => {
    const shown = texts(await specToSvg(runsComparedSpec(TOP)));
    expect(shown).toEqual(expect.arrayContaining(['churn: top 4 runs by auc, compared', 'auc', 'target ≥ 0.85', 'latency_ms', 'target ≤ 200', 'f1', 'higher is better']));
    expect(panels(TOP).map((p) => p.title.text)).toEqual(['auc', 'latency_ms', 'f1']);
  });

  it('names each run once in the legend, telling apart two runs of the same name', async () => {
    const shown = texts(await specToSvg(runsComparedSpec(TOP)));
    for (const name of ['xgb-depth6', 'lgbm-tuned', 'baseline', 'baseline (2)']) expect(shown.filter((t) => t === name)).toHaveLength(1);
  });

  it('gives each metric its own y scale, around its values and its target', () => {
    const [auc, latency] = panels(TOP);
    const domainOf = (p: Panel) => p.layer.find((l) => l.mark.type === 'point')!.encoding.y.scale.domain;
    const [aLo, aHi] = domainOf(auc!);
    expect(aLo).toBeGreaterThan(0.7);
    expect(aHi).toBeLessThan(0.95);
    const [lLo, lHi] = domainOf(latency!);
    expect(lLo).toBeLessThan(95);
    expect(lHi).toBeGreaterThan(1400);
  });

  it('draws a target rule only in the panels of metrics that have one, and no point for a metric a run does not report', () => {
    const [auc, latency, f1] = panels(TOP);
    const rules = (p: Panel) => p.layer.filter((l) => l.mark.type === 'rule').map((l) => l.data.values[0]!.value);
    expect([rules(auc!), rules(latency!), rules(f1!)]).toEqual([[0.85], [200], []]);
    expect(f1!.layer.find((l) => l.mark.type === 'point')!.data.values.map((r) => r.run)).toEqual(['xgb-depth6', 'lgbm-tuned', 'baseline (2)']);
  });

  it('paints each run in its own colour from the run palette, and the targets in red', async () => {
    const { count } = decodePng(await renderRunsCompared(TOP));
    for (const colour of RUN_PALETTE.slice(0, 4)) expect(count(colour, 30)).toBeGreaterThan(150);
    expect(count(RUN_PALETTE[4], 30)).toBeLessThan(20); // four runs: the fifth colour unused
    expect(count(CHART_COLORS.target)).toBeGreaterThan(200);
  });

  it('renders one metric and two runs with equal values', async () => {
    const input: RunsComparedInput = { title: 'loss', metrics: [{ name: 'loss', direction: 'minimize' }], runs: [{ label: 'a', values: { loss: 1 } }, { label: 'b', values: { loss: 1 } }] };
    const { image } = decodePng(await renderRunsCompared(input));
    expect(image.width).toBeGreaterThan(200);
    expect(texts(await specToSvg(runsComparedSpec(input)))).toContain('lower is better');
  });

  it('renders six metrics and five runs in one image of a size Slack shows whole', async () => {
    const metrics = Array.from({ length: 6 }, (_, i) => ({ name: `m${i}`, direction: 'maximize' as const, target: i }));
    const runs = Array.from({ length: 5 }, (_, r) => ({ label: `run-${r}-${'x'.repeat(60)}`, values: Object.fromEntries(metrics.map((m, i) => [m.name, i * 10 ** i + r])) }));
    const { image } = decodePng(await renderRunsCompared({ title: 't', metrics, runs }));
    expect(image.width).toBeLessThan(1200);
    expect(image.height).toBeLessThan(1000);
  });

  it('shortens legend names in the middle and keeps them distinct', () => {
    expect(runLegendLabels(['a', 'a', 'a'])).toEqual(['a', 'a (2)', 'a (3)']);
    const long = runLegendLabels([`${'p'.repeat(50)}-seed=1`, `${'p'.repeat(50)}-seed=2`]);
    expect(long[0]).toMatch(/…p*-seed=1$/);
    expect(long[1]).toMatch(/…p*-seed=2$/);
  });

  it('carries its own spec inside the PNG', async () => {
    const spec = JSON.parse(readTextChunk(await renderRunsCompared(TOP), SPEC_KEYWORD)!);
    expect(spec.concat).toHaveLength(3);
  });

  it('builds its spec without Vega-Lite warnings', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await specToSvg(runsComparedSpec(TOP));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  const run = (values: Record<string, number>) => ({ label: 'r', values });
  it.each([
    ['no runs', { ...TOP, runs: [] }, /at least one run/],
    ['six runs', { ...TOP, runs: Array.from({ length: 6 }, () => run({ auc: 1 })) }, /at most 5 runs/],
    ['no metrics', { ...TOP, metrics: [] }, /at least one metric/],
    ['seven metrics', { ...TOP, metrics: Array.from({ length: 7 }, (_, i) => ({ name: `m${i}`, direction: 'maximize' as const })) }, /at most 6 metrics/],
    ['a metric twice', { ...TOP, metrics: [TOP.metrics[0]!, TOP.metrics[0]!] }, /each metric once/],
    ['a NaN value', { ...TOP, runs: [run({ auc: Number.NaN })] }, /non-finite auc/],
    ['an infinite target', { ...TOP, metrics: [{ name: 'auc', direction: 'maximize' as const, target: Infinity }] }, /must be finite/],
  ] as const)('refuses %s', async (_what, input, message) => {
    expect(() => runsComparedSpec(input as RunsComparedInput)).toThrow(message);
    await expect(renderRunsCompared(input as RunsComparedInput)).rejects.toThrow(message);
  });
});
