import { existsSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { CHART_FONT_FILES, renderSpec, specToSvg, svgToPng } from '../../src/charts/render.js';
import { decodePng } from './pixels.js';

/** A chart that is only one line of text, to look at how text comes out. */
const textOnly = (text: string): TopLevelSpec => ({
  width: 300,
  height: 60,
  data: { values: [{ text }] },
  mark: { type: 'text', fontSize: 28, x: 150, y: 30 },
  encoding: { text: { field: 'text' } },
});

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
