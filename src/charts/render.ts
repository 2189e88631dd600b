import { createRequire } from 'node:module';
import path from 'node:path';
import { renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import * as vega from 'vega';
import { parse, View, type Loader } from 'vega';
import { compile, type Config, type TopLevelSpec } from 'vega-lite';
import { SPEC_KEYWORD, withTextChunk } from './png-text.js';
import { CHART_COLORS } from './theme.js';

/**
 * The one typeface of every chart. Its TTF files come from an npm package and the rasteriser
 * loads only them (never the machine's fonts), so a chart looks the same on every machine and
 * any text people type (accents, dashes, lowercase) is drawn rather than replaced.
 */
export const CHART_FONT = 'DejaVu Sans';

const fontDir = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
/** Regular for labels, bold for titles: the only weights Vega's default styles ask for. */
export const CHART_FONT_FILES: readonly string[] = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => path.join(fontDir, f));

const RESVG_OPTIONS: ResvgRenderOptions = {
  font: {
    loadSystemFonts: false,
    fontFiles: [...CHART_FONT_FILES],
    defaultFontFamily: CHART_FONT,
    sansSerifFamily: CHART_FONT,
  },
  fitTo: { mode: 'original' },
  logLevel: 'off',
};

/** Defaults every spec gets; a spec's own `config` keys replace these key by key. */
export const BASE_CONFIG: Config = {
  font: CHART_FONT,
  background: '#ffffff',
  title: { fontSize: 16, color: CHART_COLORS.text, subtitleFontSize: 12, subtitleColor: CHART_COLORS.mutedText },
  axis: {
    labelFontSize: 12,
    titleFontSize: 12,
    labelColor: CHART_COLORS.text,
    titleColor: CHART_COLORS.text,
    gridColor: CHART_COLORS.grid,
  },
  legend: { labelFontSize: 12, labelColor: CHART_COLORS.text },
  text: { fontSize: 12 },
};

/**
 * Without a canvas Vega guesses a text's width as 0.8 em per character, a third wider than
 * DejaVu Sans really is (about 0.53 em for run names and numbers, 0.67 em for capitals): run
 * names were cut early, fewer axis labels fitted and blank space was kept for them. Vega lets
 * a headless user replace the guess (vl-convert does the same), so guess closer to this font,
 * a little wide still, so that labels get room to spare rather than overlap.
 */
const EM_PER_CHAR = { normal: 0.6, bold: 0.68 };
type TextItem = { text?: unknown; fontSize?: number; fontWeight?: string | number; limit?: number };
function textWidth(item: TextItem, text?: unknown): number {
  const value = text ?? item.text;
  const chars = value == null ? 0 : [...(Array.isArray(value) ? value.join(' ') : String(value))].length;
  const weight = item.fontWeight;
  const bold = weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
  const width = Math.ceil(chars * (item.fontSize ?? 11) * (bold ? EM_PER_CHAR.bold : EM_PER_CHAR.normal));
  // Text with a `limit` is drawn cut to it, but layout asks for the width of the uncut text:
  // capped, the answer is the drawn width. (Vega's cutting also measures through here; any
  // width at or past the limit still tells it to cut.)
  return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
}
// Not in Vega's typings, but exported by vega-scenegraph for exactly this; if it ever goes, Vega's own guess remains.
const metrics = (vega as unknown as { textMetrics?: { width: (item: TextItem, text?: unknown) => number } }).textMetrics;
if (metrics) metrics.width = textWidth;

const refuse = (what: string): Promise<never> =>
  Promise.reject(new Error(`Charts are drawn from inline data only; refused to load ${what}.`));
/** Charts never fetch: a spec that points at a URL or file fails instead of reaching out at run time. */
const OFFLINE: Loader = { load: refuse, sanitize: refuse, http: refuse, file: refuse };

type VegaLogger = NonNullable<NonNullable<ConstructorParameters<typeof View>[1]>['logger']>;

/**
 * Vega reports a failed data load (as a warning) or a broken expression (as an error) to its
 * logger and goes on drawing without it; this logger keeps those so the render can fail
 * instead of a chart going out with parts silently missing. Other warnings are dropped.
 */
function errorCollector(): { logger: VegaLogger; errors: string[] } {
  const errors: string[] = [];
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  const logger: VegaLogger = {
    level(level?: number) {
      return level === undefined ? 2 : logger; // 2 = Vega's "Warn" level
    },
    error(...args: unknown[]) {
      errors.push(text(args));
      return logger;
    },
    warn(...args: unknown[]) {
      const message = text(args);
      if (/^(Loading|Data ingestion) failed/.test(message)) errors.push(message);
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return { logger, errors };
}

/** The spec as drawn: the app's defaults under the spec's own config. */
export function fullSpec(spec: TopLevelSpec): TopLevelSpec {
  return { ...spec, config: { ...BASE_CONFIG, ...spec.config } };
}

/** Vega-Lite spec → SVG text (Vega's headless SVG renderer: no canvas, no DOM). */
export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const { spec: vegaSpec } = compile(fullSpec(spec));
  const { logger, errors } = errorCollector();
  // A fresh view per chart: nothing is shared between concurrent renders.
  const view = new View(parse(vegaSpec), { renderer: 'none', loader: OFFLINE, logger });
  try {
    const svg = await view.toSVG();
    if (errors.length) throw new Error(`The chart could not be drawn: ${errors.join('; ')}`);
    return svg;
  } finally {
    view.finalize();
  }
}

/** SVG → PNG bytes; rasterised on libuv's thread pool, so the event loop stays free meanwhile. */
export async function svgToPng(svg: string): Promise<Buffer> {
  const image = await renderAsync(svg, RESVG_OPTIONS);
  return image.asPng();
}

/**
 * Vega-Lite spec → PNG bytes, sized as the spec says, carrying the spec itself (config included)
 * in an iTXt chunk under SPEC_KEYWORD: the sandbox page draws the same chart interactively from it,
 * and Slack gets nothing but the PNG. The spec holds only what the picture shows (inline data from
 * the database and the code), a few kB compressed.
 */
export async function renderSpec(spec: TopLevelSpec): Promise<Buffer> {
  return withTextChunk(await svgToPng(await specToSvg(spec)), SPEC_KEYWORD, JSON.stringify(fullSpec(spec)));
}
