// Types for mrkdwn.js, a plain browser module (no build step), so TypeScript tests can import it.

/** htm bound to an `h`: preact's in the page, a plain object builder in tests. */
export type Html<N = unknown> = (strings: TemplateStringsArray, ...values: unknown[]) => N;

export interface Named {
  id: string;
  name: string;
}

export interface MrkdwnContext<N = unknown> {
  html: Html<N>;
  /** Resolves `<@U…>` to @name; an unknown id shows as @U… (or the sequence's own label). */
  users?: readonly Named[];
  /** Resolves `<#C…>` to #name. */
  channels?: readonly Named[];
  /** The viewer's IANA time zone for `<!date^…>`; the browser's zone when absent. */
  tz?: string;
  /** The clock for Today/Yesterday and {ago}; the real one when absent. */
  now?: () => Date;
}

export interface TextObject {
  type?: string;
  text?: string;
  emoji?: boolean;
}

export const EMOJI: Readonly<Record<string, string>>;
export function safeHref(url: string): string | null;
export function emojify(text: string): string;
export function decodeEntities(text: string): string;
export function plainText(obj: TextObject | string | null | undefined): string;
export function renderText<N>(obj: TextObject | null | undefined, ctx: MrkdwnContext<N>): N | null;
export function renderMrkdwn<N>(text: string, ctx: MrkdwnContext<N>): N;
export function formatSlackDate(seconds: number, format: string, ctx: { tz?: string; now?: () => Date }): string | null;
