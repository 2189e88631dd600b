import { PNG } from 'pngjs';

/** An opaque colour as [red, green, blue], each 0..255. */
export type Rgb = readonly [number, number, number];

/**
 * A tiny RGBA raster with just enough primitives for charts. Everything is
 * integer-pixel and clipped, so callers may draw partly off-canvas without checks.
 */
export class Canvas {
  readonly data: Buffer;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new Error(`Canvas size must be positive integers, got ${width}x${height}.`);
    }
    this.data = Buffer.alloc(width * height * 4);
    this.fillRect(0, 0, width, height, background);
  }

  setPixel(x: number, y: number, color: Rgb): void {
    const px = Math.round(x);
    const py = Math.round(y);
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return;
    const i = (py * this.width + px) * 4;
    this.data[i] = color[0];
    this.data[i + 1] = color[1];
    this.data[i + 2] = color[2];
    this.data[i + 3] = 255;
  }

  getPixel(x: number, y: number): Rgb {
    const i = (y * this.width + x) * 4;
    return [this.data[i] ?? 0, this.data[i + 1] ?? 0, this.data[i + 2] ?? 0];
  }

  /** Fills the w x h rectangle whose top-left corner is (x, y). */
  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let py = y0; py < y1; py++) {
      for (let px = x0; px < x1; px++) {
        const i = (py * this.width + px) * 4;
        this.data[i] = color[0];
        this.data[i + 1] = color[1];
        this.data[i + 2] = color[2];
        this.data[i + 3] = 255;
      }
    }
  }

  /**
   * Bresenham line stamped with a square brush; `thickness` 2 reads well at chart
   * sizes without the cost or blur of anti-aliasing.
   */
  drawLine(x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 1): void {
    let x = Math.round(x0);
    let y = Math.round(y0);
    const xEnd = Math.round(x1);
    const yEnd = Math.round(y1);
    const dx = Math.abs(xEnd - x);
    const dy = -Math.abs(yEnd - y);
    const sx = x < xEnd ? 1 : -1;
    const sy = y < yEnd ? 1 : -1;
    const offset = Math.floor((thickness - 1) / 2);
    let err = dx + dy;
    for (;;) {
      if (thickness <= 1) this.setPixel(x, y, color);
      else this.fillRect(x - offset, y - offset, thickness, thickness, color);
      if (x === xEnd && y === yEnd) return;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y += sy;
      }
    }
  }

  /** Horizontal dashed line from x0 to x1 (inclusive) on row y. */
  drawDashedHLine(x0: number, x1: number, y: number, color: Rgb, dash = 8, gap = 5, thickness = 2): void {
    const start = Math.round(Math.min(x0, x1));
    const end = Math.round(Math.max(x0, x1));
    const top = Math.round(y) - Math.floor((thickness - 1) / 2);
    for (let x = start; x <= end; x += dash + gap) {
      this.fillRect(x, top, Math.min(dash, end - x + 1), thickness, color);
    }
  }

  fillCircle(cx: number, cy: number, radius: number, color: Rgb): void {
    const r = Math.max(0, radius);
    const x = Math.round(cx);
    const y = Math.round(cy);
    const r2 = r * r + r; // the "+ r" rounds the rim so small dots look round, not diamond-shaped
    for (let dy = -Math.ceil(r); dy <= Math.ceil(r); dy++) {
      for (let dx = -Math.ceil(r); dx <= Math.ceil(r); dx++) {
        if (dx * dx + dy * dy <= r2) this.setPixel(x + dx, y + dy, color);
      }
    }
  }

  /** Encodes as an 8-bit RGB PNG (no alpha: every pixel is opaque, and it keeps files smaller). */
  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    this.data.copy(png.data);
    // A fixed Paeth filter: about as small as pngjs's adaptive default on flat charts, in half the time.
    return PNG.sync.write(png, { colorType: 2, inputColorType: 6, inputHasAlpha: true, filterType: 4 });
  }
}
