import htmModule from 'htm';

/** The page renders through preact's h; the tests render through one that keeps the tree as plain objects to inspect. */
export interface Node {
  type: string;
  props: Record<string, unknown>;
  children: unknown[];
}
// htm's types describe a CommonJS default export, so TypeScript sees the module object; Node's ESM
// (and vitest) load dist/htm.mjs, whose default is htm itself. Take whichever is there.
const htm = ((htmModule as { default?: unknown }).default ?? htmModule) as typeof htmModule.default;
const h = (type: string, props: Record<string, unknown> | null, ...children: unknown[]): Node => ({ type, props: props ?? {}, children });
export const html = htm.bind(h) as (strings: TemplateStringsArray, ...values: unknown[]) => Node;

export const isNode = (x: unknown): x is Node => typeof x === 'object' && x !== null && 'type' in x && 'children' in x;
/** What a reader sees: every string child, in order. */
export const text = (x: unknown): string => (Array.isArray(x) ? x.map(text).join('') : isNode(x) ? text(x.children) : typeof x === 'string' || typeof x === 'number' ? String(x) : '');
/** Every node of the tree that `match` accepts, in document order. */
export function all(x: unknown, match: (n: Node) => boolean): Node[] {
  if (Array.isArray(x)) return x.flatMap((c) => all(c, match));
  if (!isNode(x)) return [];
  return [...(match(x) ? [x] : []), ...all(x.children, match)];
}
