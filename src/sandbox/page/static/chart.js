// @ts-check
// A chart the app uploaded, drawn interactively: its PNG carries the Vega-Lite spec it was drawn
// from (src/charts/png-text.ts), which the page server hands out at /files/<id>/spec.json. The same
// spec is drawn here by Vega in the browser, with tooltips on hover; the PNG Slack users see stays
// shown until then, and whenever the spec is missing or cannot be drawn.
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';

const html = htm.bind(h);

/** Vega and Vega-Lite's prebuilt bundles from node_modules (classic scripts: they set window.vega, window.vegaLite). */
const SCRIPTS = ['/vendor/vega.min.js', '/vendor/vega-lite.min.js'];
/** The font the app draws with, then what this browser has: the PNG's DejaVu Sans is rarely installed. */
const FONT = '"DejaVu Sans", Verdana, "Segoe UI", system-ui, sans-serif';

/** @type {Promise<{ vega: any, vegaLite: any }> | null} */
let loading = null;

/** Loads the two bundles once, in order (Vega-Lite's needs window.vega), on the first chart shown. */
function loadVega() {
  loading ??= SCRIPTS.reduce(
    (previous, src) =>
      previous.then(
        () =>
          new Promise((resolve, reject) => {
            const script = document.createElement('script');
            script.src = src;
            script.onload = () => resolve(undefined);
            script.onerror = () => reject(new Error(`could not load ${src}`));
            document.head.append(script);
          }),
      ),
    Promise.resolve(undefined),
  ).then(() => ({ vega: /** @type {any} */ (window).vega, vegaLite: /** @type {any} */ (window).vegaLite }));
  loading.catch(() => (loading = null)); // a failed load may be retried by the next chart
  return loading;
}

/** Charts draw from their inline data only; a spec that names a URL gets nothing. */
const refuse = () => Promise.reject(new Error('charts on this page draw from inline data only'));
const OFFLINE = { load: refuse, sanitize: refuse, http: refuse, file: refuse };

/**
 * Vega's tooltip hook: the hovered item's fields as "name: value" lines in a box beside the
 * pointer. Text goes in with textContent, so a run name is never read as markup.
 */
function tooltipIn(figure) {
  const box = document.createElement('div');
  box.className = 'chart-tooltip';
  // Styled here rather than in app.css: the box exists only where this module draws a chart.
  box.style.cssText = 'position:absolute;z-index:5;pointer-events:none;background:#fff;border:1px solid #ccc;border-radius:4px;padding:4px 8px;font-size:12px;box-shadow:0 2px 6px rgba(0,0,0,.15);white-space:nowrap';
  box.setAttribute('role', 'tooltip');
  box.hidden = true;
  figure.append(box);
  return (_handler, event, _item, value) => {
    if (value == null || value === '') {
      box.hidden = true;
      return;
    }
    const lines = typeof value === 'object' ? Object.entries(value).map(([k, v]) => `${k}: ${v}`) : [String(value)];
    box.replaceChildren(...lines.map((line) => Object.assign(document.createElement('div'), { textContent: line })));
    box.hidden = false;
    // Beside the pointer, on its left when the right would leave the figure (the thread pane is narrow).
    const bounds = figure.getBoundingClientRect();
    const x = event.clientX - bounds.left;
    box.style.left = `${x + 12 + box.offsetWidth > bounds.width ? Math.max(0, x - 12 - box.offsetWidth) : x + 12}px`;
    box.style.top = `${event.clientY - bounds.top + 12}px`;
  };
}

/** An uploaded chart: the interactive drawing when its spec loads, else (and until then) its PNG. */
export function ChartFile({ file }) {
  const figure = useRef(/** @type {HTMLElement | null} */ (null));
  const target = useRef(/** @type {HTMLElement | null} */ (null));
  const [state, setState] = useState(/** @type {'png' | 'interactive'} */ ('png'));
  useEffect(() => {
    let view = null;
    let gone = false;
    (async () => {
      const [{ vega, vegaLite }, spec] = await Promise.all([loadVega(), fetch(file.spec).then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))]);
      if (gone || !target.current || !figure.current) return;
      const compiled = vegaLite.compile({ ...spec, config: { ...spec.config, font: FONT } }).spec;
      view = new vega.View(vega.parse(compiled), { renderer: 'svg', container: target.current, hover: true, loader: OFFLINE });
      view.tooltip(tooltipIn(figure.current));
      await view.runAsync();
      // Shrunk to the pane as the PNG is (Vega's SVG has a viewBox); hovering still finds the right item.
      const svg = target.current.querySelector('svg');
      if (svg) svg.style.cssText = 'max-width:100%;height:auto;display:block';
      if (!gone) setState('interactive');
    })().catch((err) => console.warn(`chart ${file.name}: showing the PNG (${err.message})`));
    return () => {
      gone = true;
      view?.finalize();
    };
  }, [file.spec]);
  return html`
    <figure class="file chart" ref=${figure} data-chart=${state} style="position: relative">
      <div class="chart-view" ref=${target} hidden=${state !== 'interactive'}></div>
      ${state === 'png' && html`<img src=${file.url} alt=${file.title || file.name} />`}
      <figcaption>${file.title || file.name}</figcaption>
    </figure>
  `;
}
