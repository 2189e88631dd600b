import { describe, it, expect } from 'vitest';
import { PNG } from 'pngjs';
import { Canvas, type Rgb } from '../../src/charts/canvas.js';

const RED: Rgb = [255, 0, 0];
const WHITE: Rgb = [255, 255, 255];

function inked(canvas: Canvas, color: Rgb): [number, number][] {
  const out: [number, number][] = [];
  for (let y = 0; y < canvas.height; y++) {
    for (let x = 0; x < canvas.width; x++) {
      const [r, g, b] = canvas.getPixel(x, y);
      if (r === color[0] && g === color[1] && b === color[2]) out.push([x, y]);
    }
  }
  return out;
}

describe('Canvas', () => {
  it('starts filled with the background colour', () => {
    const canvas = new Canvas(4, 3, [10, 20, 30]);
    expect(inked(canvas, [10, 20, 30])).toHaveLength(12);
  });

  it.each([
    [0, 10],
    [10, -1],
    [2.5, 10],
    [Number.NaN, 10],
  ])('rejects a %sx%s size', (w, h) => {
    expect(() => new Canvas(w, h)).toThrow(Error);
  });

  it('fills a rectangle and clips what falls off the edges', () => {
    const canvas = new Canvas(10, 10);
    canvas.fillRect(-5, 8, 8, 10, RED); // only columns 0..2, rows 8..9 are on canvas
    const pixels = inked(canvas, RED);
    expect(pixels).toHaveLength(6);
    expect(pixels).toContainEqual([2, 9]);
    expect(pixels).not.toContainEqual([3, 8]);
  });

  it.each([
    { name: 'horizontal', from: [1, 5], to: [8, 5], count: 8 },
    { name: 'vertical', from: [3, 9], to: [3, 2], count: 8 },
    { name: 'diagonal', from: [0, 0], to: [9, 9], count: 10 },
    { name: 'steep', from: [2, 0], to: [4, 9], count: 10 },
  ])('draws a $name line through both endpoints with one pixel per major step', ({ from, to, count }) => {
    const canvas = new Canvas(10, 10);
    const [x0, y0] = from as [number, number];
    const [x1, y1] = to as [number, number];
    canvas.drawLine(x0, y0, x1, y1, RED);
    const pixels = inked(canvas, RED);
    expect(pixels).toHaveLength(count);
    expect(pixels).toContainEqual([x0, y0]);
    expect(pixels).toContainEqual([x1, y1]);
  });

  it('draws a thick line as a band', () => {
    const canvas = new Canvas(10, 10);
    canvas.drawLine(0, 5, 9, 5, RED, 2);
    const rows = new Set(inked(canvas, RED).map(([, y]) => y));
    expect([...rows].sort()).toEqual([5, 6]);
  });

  it('draws a dashed line with gaps on a single band', () => {
    const canvas = new Canvas(40, 10);
    canvas.drawDashedHLine(0, 39, 4, RED, 5, 3, 1);
    const xs = inked(canvas, RED).map(([x]) => x);
    expect(new Set(inked(canvas, RED).map(([, y]) => y))).toEqual(new Set([4]));
    expect(xs).toContain(0);
    expect(xs).toContain(4);
    expect(xs).not.toContain(5); // first gap
    expect(xs).toContain(8); // second dash
    expect(xs.length).toBeLessThan(40);
  });

  it('fills a round dot of the given radius', () => {
    const canvas = new Canvas(20, 20);
    canvas.fillCircle(10, 10, 3, RED);
    const pixels = inked(canvas, RED);
    expect(pixels).toContainEqual([10, 7]);
    expect(pixels).toContainEqual([13, 10]);
    expect(pixels).not.toContainEqual([13, 13]); // corner of the bounding box stays empty
    expect(pixels).not.toContainEqual([10, 6]);
  });

  it('encodes a PNG that decodes back to the same pixels', () => {
    const canvas = new Canvas(7, 5, WHITE);
    canvas.setPixel(3, 2, RED);
    const decoded = PNG.sync.read(canvas.toPng());
    expect([decoded.width, decoded.height]).toEqual([7, 5]);
    const at = (x: number, y: number) => [...decoded.data.subarray((y * 7 + x) * 4, (y * 7 + x) * 4 + 4)];
    expect(at(3, 2)).toEqual([255, 0, 0, 255]);
    expect(at(0, 0)).toEqual([255, 255, 255, 255]);
  });
});
