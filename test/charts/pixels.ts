import { PNG } from 'pngjs';

export type Rgb = readonly [number, number, number];

export function hexToRgb(hex: string): Rgb {
  const n = Number.parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * Decodes a PNG (throwing if it is not one) and counts pixels by colour. Colours match within a
 * tolerance: anti-aliased edges blend into the background, so exact matches undercount.
 */
export function decodePng(png: Buffer) {
  const image = PNG.sync.read(png);
  const near = (i: number, [r, g, b]: Rgb, tolerance: number) =>
    Math.abs((image.data[i] ?? 0) - r) + Math.abs((image.data[i + 1] ?? 0) - g) + Math.abs((image.data[i + 2] ?? 0) - b) <= tolerance;
  /** Pixels near `color`, per row. */
  const rowCounts = (color: Rgb | string, tolerance = 24): number[] => {
    const rgb = typeof color === 'string' ? hexToRgb(color) : color;
    const counts = new Array<number>(image.height).fill(0);
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        if (near((y * image.width + x) * 4, rgb, tolerance)) counts[y] = (counts[y] ?? 0) + 1;
      }
    }
    return counts;
  };
  const count = (color: Rgb | string, tolerance = 24) => rowCounts(color, tolerance).reduce((a, b) => a + b, 0);
  /** Pixels that are not (near-)white: anything drawn at all. */
  const inked = () => image.width * image.height - count([255, 255, 255], 6);
  return { image, rowCounts, count, inked };
}
