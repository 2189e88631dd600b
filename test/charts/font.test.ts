import { describe, it, expect } from 'vitest';
import { Canvas } from '../../src/charts/canvas.js';
import { GLYPH_HEIGHT, GLYPH_WIDTH, drawText, fitText, hasGlyph, measureText } from '../../src/charts/font.js';

const INK = [0, 0, 0] as const;

/** The glyph as a string of '#'/'.' rows, drawn at scale 1 into a blank cell. */
function bitmap(ch: string, scale = 1): string {
  const canvas = new Canvas(GLYPH_WIDTH * scale + 2, GLYPH_HEIGHT * scale + 2);
  drawText(canvas, ch, 1, 1, INK, scale);
  const rows: string[] = [];
  for (let y = 0; y < canvas.height; y++) {
    let row = '';
    for (let x = 0; x < canvas.width; x++) row += canvas.getPixel(x, y)[0] === 0 ? '#' : '.';
    rows.push(row);
  }
  return rows.join('\n');
}

const REQUIRED = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.-_%:/=<>()'];

describe('font', () => {
  it('has a glyph for every character charts need, including lowercase via uppercase', () => {
    for (const ch of [...REQUIRED, ' ', ...'abcxyz']) expect(hasGlyph(ch), ch).toBe(true);
    expect(hasGlyph('€')).toBe(false);
  });

  it('draws each required glyph with ink, inside its 5x7 cell, and distinct from the others', () => {
    const seen = new Map<string, string>();
    for (const ch of REQUIRED) {
      const bmp = bitmap(ch);
      const rows = bmp.split('\n');
      expect(bmp, ch).toContain('#');
      // The 1-pixel border around the cell must stay blank.
      expect(rows[0], ch).not.toContain('#');
      expect(rows[rows.length - 1], ch).not.toContain('#');
      for (const row of rows) expect([row[0], row[row.length - 1]], ch).toEqual(['.', '.']);
      expect(seen.get(bmp), `${ch} looks like ${seen.get(bmp)}`).toBeUndefined();
      seen.set(bmp, ch);
    }
  });

  it('draws a space as nothing', () => {
    expect(bitmap(' ')).not.toContain('#');
  });

  it('draws lowercase with the uppercase glyph and unknown characters as "?"', () => {
    expect(bitmap('g')).toBe(bitmap('G'));
    expect(bitmap('€')).toBe(bitmap('?'));
  });

  it('scales each font pixel to a square block', () => {
    const inkCount = (s: string) => [...s].filter((c) => c === '#').length;
    expect(inkCount(bitmap('A', 3))).toBe(9 * inkCount(bitmap('A')));
  });

  it.each([
    ['', 1, 0],
    ['A', 1, 5],
    ['AB', 1, 11],
    ['0.85', 2, 46],
  ])('measures %j at scale %i as %i px', (text, scale, px) => {
    expect(measureText(text, scale)).toBe(px);
  });

  it('draws text exactly as wide as measured', () => {
    const text = 'target 0.85';
    const canvas = new Canvas(100, 10);
    drawText(canvas, text, 0, 0, INK);
    let right = -1;
    for (let x = 0; x < canvas.width; x++) {
      for (let y = 0; y < canvas.height; y++) if (canvas.getPixel(x, y)[0] === 0) right = x;
    }
    expect(right + 1).toBeLessThanOrEqual(measureText(text));
    expect(right + 1).toBeGreaterThan(measureText(text) - GLYPH_WIDTH);
  });

  it.each([
    ['short', 100, 'short'],
    ['a-very-long-run-name', 59, 'a-very-l..'],
    ['abc', 5, ''],
  ])('fits %j into %i px as %j', (text, width, expected) => {
    const fitted = fitText(text, width);
    expect(fitted).toBe(expected);
    expect(measureText(fitted)).toBeLessThanOrEqual(width);
  });
});
