import { existsSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { CHART_FONT_FILES, renderSpec, specToSvg, svgToPng } from '../../src/charts/render.js';
import { metricOverTimeSpec, renderMetricOverTime } from '../../src/charts/metric-over-time.js';
import { decodePng } from './pixels.js';

/** A chart that is only one line of text, to look at how text comes out. */
const textOnly = (text: string): TopLevelSpec => ({
  width: 300,
  height: 60,
  data: { values: [{ text }] },
  mark: { type: 'text', fontSize: 28, x: 150, y: 30 },
  encoding: { text: { field: 'text' } },
});

/** A character DejaVu Sans has no glyph for (private use): what it draws is the font's missing-glyph box. */
const MISSING = '\uE000';
/** One character alone, large: its pixels, to compare glyphs. */
const glyphPixels = async (ch: string) => decodePng(await renderSpec(textOnly(ch))).image.data;
let missingGlyph: Buffer | undefined;
/**
 * Whether the bundled font has a glyph for `ch`: the rasteriser loads no other font, so a character
 * the font lacks is drawn as its .notdef box, exactly as the private-use character is.
 */
async function drawsRealGlyph(ch: string): Promise<boolean> {
  missingGlyph ??= await glyphPixels(MISSING);
  const pixels = await glyphPixels(ch);
  return !pixels.equals(missingGlyph) && decodePng(await renderSpec(textOnly(ch))).inked() > 0;
}

describe('chart rendering', () => {
  it('uses font files shipped in node_modules, not the machine’s', () => {
    expect(CHART_FONT_FILES.length).toBeGreaterThan(0);
    for (const file of CHART_FONT_FILES) {
      expect(file).toMatch(/node_modules[\\/]dejavu-fonts-ttf[\\/]ttf[\\/].+\.ttf$/);
      expect(existsSync(file)).toBe(true);
    }
  });

  it('keeps accents, dashes and lowercase in the SVG exactly as written', async () => {
    const svg = await specToSvg(textOnly('café — naïve Ünïcode, lowercase'));
    expect(svg).toContain('café — naïve Ünïcode, lowercase');
    expect(svg).toContain('font-family="DejaVu Sans"');
  });

  it.each([['é'], ['—'], ['ü'], ['ß'], ['abc']])('draws %j with the bundled font (not blank, not dropped)', async (text) => {
    const ink = decodePng(await renderSpec(textOnly(text))).inked();
    const nothing = decodePng(await renderSpec(textOnly(''))).inked();
    expect(nothing).toBe(0);
    expect(ink).toBeGreaterThan(20);
    for (const ch of text) expect(await drawsRealGlyph(ch)).toBe(true);
  });

  describe('a Unicode title', () => {
    const TITLE = 'Détection de fraude — AUC ≥ 0.90 · naïve “quotes” ∆';

    it('is drawn with a real glyph for every character: none falls back to the font’s missing-glyph box', async () => {
      const chars = [...new Set(TITLE)].filter((c) => c !== ' ');
      const missing = [];
      for (const ch of chars) if (!(await drawsRealGlyph(ch))) missing.push(ch);
      expect(missing).toEqual([]);
    });

    it('reaches the chart as written: in its SVG, and drawn in its PNG', async () => {
      const input = { title: TITLE, metric: 'auc', direction: 'maximize' as const, target: 0.9, points: [{ label: 'naïve-∆', value: 0.8, at: new Date(Date.UTC(2026, 0, 1)) }] };
      const svg = await specToSvg(metricOverTimeSpec(input));
      expect(svg).toContain(`>${TITLE.replace(/&/g, '&amp;')}</text>`);
      expect(svg).not.toContain('\uFFFD');
      // The title's line of the PNG has ink across most of the title's width.
      const { rowCounts } = decodePng(await renderMetricOverTime(input));
      expect(Math.max(...rowCounts([34, 34, 34], 90).slice(0, 40))).toBeGreaterThan(40);
    });

    it('the check fails for characters DejaVu Sans lacks (CJK): they would draw the missing-glyph box', async () => {
      // Two private-use characters draw the same box: the reference is the font's .notdef glyph.
      expect(await glyphPixels('\uE001')).toEqual(await glyphPixels(MISSING));
      for (const ch of ['日', '本', '한', '中']) expect(await drawsRealGlyph(ch)).toBe(false);
    });
  });

  it('draws an em dash wider than a hyphen: real glyphs, not a stand-in', async () => {
    // A glyph missing from the loaded fonts would draw nothing, and a substitute would not keep the widths apart.
    const dash = decodePng(await renderSpec(textOnly('—'))).inked();
    const hyphen = decodePng(await renderSpec(textOnly('-'))).inked();
    expect(dash).toBeGreaterThan(hyphen);
  });

  it('gives the same bytes for the same spec, also when charts render concurrently', async () => {
    const specs = ['α', 'b', 'ç', 'd'].map((t) => textOnly(t));
    const one = await Promise.all(specs.map((s) => renderSpec(s)));
    const again = [];
    for (const s of specs) again.push(await renderSpec(s));
    expect(one.map((b) => b.toString('base64'))).toEqual(again.map((b) => b.toString('base64')));
    expect(new Set(one.map((b) => b.toString('base64'))).size).toBe(4);
  });

  it('refuses to load data from a URL or file rather than fetch at run time', async () => {
    const fromUrl: TopLevelSpec = {
      data: { url: 'https://example.invalid/data.csv' },
      mark: 'point',
      encoding: { x: { field: 'a', type: 'quantitative' } },
    };
    await expect(specToSvg(fromUrl)).rejects.toThrow(/refused to load https:\/\/example\.invalid/);
    await expect(specToSvg({ ...fromUrl, data: { url: '/etc/hostname' } })).rejects.toThrow(/refused to load/);
  });

  it('fails on a broken spec instead of posting a chart with parts missing', async () => {
    const broken: TopLevelSpec = { ...textOnly('x'), encoding: { text: { field: 'text' }, x: { value: { expr: 'nosuchfunction(1)' } } } };
    await expect(specToSvg(broken)).rejects.toThrow();
  });

  it('rasterises an SVG to a PNG of the same size', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="123" height="45"><rect width="123" height="45" fill="#ff0000"/></svg>';
    const { image, count } = decodePng(await svgToPng(svg));
    expect([image.width, image.height]).toEqual([123, 45]);
    expect(count([255, 0, 0], 0)).toBe(123 * 45);
  });
});
