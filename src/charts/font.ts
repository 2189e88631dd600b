import type { Canvas, Rgb } from './canvas.js';

/** Glyph cell size in font pixels; a character advances GLYPH_WIDTH + 1 to leave a gap. */
export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;

// 5x7 bitmaps, one string per row, '#' = ink. Lowercase is drawn with the uppercase
// glyph: one case is enough for axis labels and keeps this table reviewable.
const RAW_GLYPHS: Record<string, string> = {
  ' ': '.....,.....,.....,.....,.....,.....,.....',
  '0': '.###.,#...#,#..##,#.#.#,##..#,#...#,.###.',
  '1': '..#..,.##..,..#..,..#..,..#..,..#..,.###.',
  '2': '.###.,#...#,....#,...#.,..#..,.#...,#####',
  '3': '#####,...#.,..#..,...#.,....#,#...#,.###.',
  '4': '...#.,..##.,.#.#.,#..#.,#####,...#.,...#.',
  '5': '#####,#....,####.,....#,....#,#...#,.###.',
  '6': '..##.,.#...,#....,####.,#...#,#...#,.###.',
  '7': '#####,....#,...#.,..#..,.#...,.#...,.#...',
  '8': '.###.,#...#,#...#,.###.,#...#,#...#,.###.',
  '9': '.###.,#...#,#...#,.####,....#,...#.,.##..',
  A: '.###.,#...#,#...#,#####,#...#,#...#,#...#',
  B: '####.,#...#,#...#,####.,#...#,#...#,####.',
  C: '.###.,#...#,#....,#....,#....,#...#,.###.',
  D: '###..,#..#.,#...#,#...#,#...#,#..#.,###..',
  E: '#####,#....,#....,####.,#....,#....,#####',
  F: '#####,#....,#....,####.,#....,#....,#....',
  G: '.###.,#...#,#....,#.###,#...#,#...#,.####',
  H: '#...#,#...#,#...#,#####,#...#,#...#,#...#',
  I: '.###.,..#..,..#..,..#..,..#..,..#..,.###.',
  J: '..###,...#.,...#.,...#.,...#.,#..#.,.##..',
  K: '#...#,#..#.,#.#..,##...,#.#..,#..#.,#...#',
  L: '#....,#....,#....,#....,#....,#....,#####',
  M: '#...#,##.##,#.#.#,#.#.#,#...#,#...#,#...#',
  N: '#...#,#...#,##..#,#.#.#,#..##,#...#,#...#',
  O: '.###.,#...#,#...#,#...#,#...#,#...#,.###.',
  P: '####.,#...#,#...#,####.,#....,#....,#....',
  Q: '.###.,#...#,#...#,#...#,#.#.#,#..#.,.##.#',
  R: '####.,#...#,#...#,####.,#.#..,#..#.,#...#',
  S: '.####,#....,#....,.###.,....#,....#,####.',
  T: '#####,..#..,..#..,..#..,..#..,..#..,..#..',
  U: '#...#,#...#,#...#,#...#,#...#,#...#,.###.',
  V: '#...#,#...#,#...#,#...#,#...#,.#.#.,..#..',
  W: '#...#,#...#,#...#,#.#.#,#.#.#,#.#.#,.#.#.',
  X: '#...#,#...#,.#.#.,..#..,.#.#.,#...#,#...#',
  Y: '#...#,#...#,.#.#.,..#..,..#..,..#..,..#..',
  Z: '#####,....#,...#.,..#..,.#...,#....,#####',
  '.': '.....,.....,.....,.....,.....,.##..,.##..',
  ',': '.....,.....,.....,.....,.##..,..#..,.#...',
  '-': '.....,.....,.....,#####,.....,.....,.....',
  '+': '.....,..#..,..#..,#####,..#..,..#..,.....',
  _: '.....,.....,.....,.....,.....,.....,#####',
  '%': '##...,##..#,...#.,..#..,.#...,#..##,...##',
  ':': '.....,.##..,.##..,.....,.##..,.##..,.....',
  '/': '.....,....#,...#.,..#..,.#...,#....,.....',
  '=': '.....,.....,#####,.....,#####,.....,.....',
  '<': '...#.,..#..,.#...,#....,.#...,..#..,...#.',
  '>': '.#...,..#..,...#.,....#,...#.,..#..,.#...',
  '(': '...#.,..#..,.#...,.#...,.#...,..#..,...#.',
  ')': '.#...,..#..,...#.,...#.,...#.,..#..,.#...',
  '#': '.#.#.,.#.#.,#####,.#.#.,#####,.#.#.,.#.#.',
  '!': '..#..,..#..,..#..,..#..,..#..,.....,..#..',
  '?': '.###.,#...#,....#,...#.,..#..,.....,..#..',
  "'": '..#..,..#..,.#...,.....,.....,.....,.....',
};

/** Each glyph as a list of [x, y] ink cells, decoded once so drawing is a tight loop. */
const GLYPHS: ReadonlyMap<string, readonly (readonly [number, number])[]> = new Map(
  Object.entries(RAW_GLYPHS).map(([ch, rows]) => {
    const cells: [number, number][] = [];
    rows.split(',').forEach((row, y) => {
      for (let x = 0; x < row.length; x++) if (row[x] === '#') cells.push([x, y]);
    });
    return [ch, cells];
  }),
);

const FALLBACK = GLYPHS.get('?') ?? [];

/** True when `ch` has its own glyph (after uppercasing); other characters draw as '?'. */
export function hasGlyph(ch: string): boolean {
  return GLYPHS.has(ch.toUpperCase());
}

/** Width in pixels of `text` at `scale`, without the trailing inter-character gap. */
export function measureText(text: string, scale = 1): number {
  const n = [...text].length;
  return n === 0 ? 0 : (n * (GLYPH_WIDTH + 1) - 1) * scale;
}

/** Height in pixels of one line of text at `scale`. */
export function textHeight(scale = 1): number {
  return GLYPH_HEIGHT * scale;
}

/** Draws one line of text with its top-left corner at (x, y). */
export function drawText(canvas: Canvas, text: string, x: number, y: number, color: Rgb, scale = 1): void {
  let cursor = Math.round(x);
  const top = Math.round(y);
  for (const ch of text) {
    const cells = GLYPHS.get(ch.toUpperCase()) ?? FALLBACK;
    for (const [cx, cy] of cells) {
      canvas.fillRect(cursor + cx * scale, top + cy * scale, scale, scale, color);
    }
    cursor += (GLYPH_WIDTH + 1) * scale;
  }
}

/**
 * Shortens `text` with a trailing ".." so it fits in `maxWidth` pixels; returns ""
 * when not even that fits.
 */
export function fitText(text: string, maxWidth: number, scale = 1): string {
  if (measureText(text, scale) <= maxWidth) return text;
  const chars = [...text];
  for (let n = chars.length - 1; n > 0; n--) {
    const candidate = `${chars.slice(0, n).join('').trimEnd()}..`;
    if (measureText(candidate, scale) <= maxWidth) return candidate;
  }
  return '';
}
