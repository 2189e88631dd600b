import { PNG } from 'pngjs';
import { describe, it, expect } from 'vitest';
import { readTextChunk, withTextChunk } from '../../src/charts/png-text.js';
import { svgToPng } from '../../src/charts/render.js';

const tiny = () => svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"><rect width="4" height="3" fill="#123456"/></svg>');

describe('text inside a PNG', () => {
  it('carries UTF-8 text under a keyword, and the image still decodes the same', async () => {
    const png = await tiny();
    const text = JSON.stringify({ title: 'Détection — AUC ≥ 0.90 “naïve” ∆ 日本', rows: Array.from({ length: 200 }, () => ({ run: 'xgb-depth6', value: 0.85 })) });
    const tagged = withTextChunk(png, 'vega-lite', text);
    expect(readTextChunk(tagged, 'vega-lite')).toBe(text);
    expect(readTextChunk(tagged, 'other')).toBeNull();
    expect(readTextChunk(png, 'vega-lite')).toBeNull();
    expect(PNG.sync.read(tagged).data).toEqual(PNG.sync.read(png).data);
    // Compressed: the repetitive JSON costs less than its length.
    expect(tagged.length - png.length).toBeLessThan(text.length / 2);
  });

  it('reads bytes that are not a PNG, a cut PNG or a broken chunk as "no text", without throwing', async () => {
    const tagged = withTextChunk(await tiny(), 'vega-lite', '{"a":1}');
    expect(readTextChunk(Buffer.from('GIF89a not a png'), 'vega-lite')).toBeNull();
    expect(readTextChunk(tagged.subarray(0, tagged.length - 20), 'vega-lite')).toBeNull();
    const at = tagged.indexOf('vega-lite');
    const broken = Buffer.from(tagged);
    broken.fill(0x41, at + 14, at + 20); // corrupt the compressed text
    expect(readTextChunk(broken, 'vega-lite')).toBeNull();
    expect(() => withTextChunk(Buffer.from('nope'), 'k', 't')).toThrow(/Not a PNG/);
  });
});
