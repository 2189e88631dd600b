// Tiny constructors for the Block Kit shapes this app uses, so builders read as data.
import type { ActionsBlock, Button, ContextBlock, DividerBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';

/** Any block this app builds: Slack's own types, so a malformed block fails to compile. */
export type Block = KnownBlock;

export const SECTION_TEXT_MAX = 3000;
export const HEADER_MAX = 150;

/** Slack's mrkdwn needs &, < and > escaped in anything a person typed. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * For a message's `text` fallback (notifications, screen readers) built from what a person, a CI
 * job or a model wrote: neutralises every `<…>` control sequence they could have typed —
 * broadcasts (`<!channel>`), user and channel mentions, links — so a run name cannot ping anyone,
 * and leaves the rest as written, comparisons (`<= 200`) included. Mentions the app means to make
 * are added outside it.
 */
export function safeFallback(text: string): string {
  return text.replace(/<(?=[!#@a-zA-Z])/g, '&lt;');
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export const header = (text: string): HeaderBlock => ({ type: 'header', text: { type: 'plain_text', text: clip(text, HEADER_MAX), emoji: true } });
export const section = (text: string, blockId?: string): SectionBlock => ({ type: 'section', ...(blockId ? { block_id: blockId } : {}), text: { type: 'mrkdwn', text: clip(text, SECTION_TEXT_MAX) } });
/** A line of a long list: `prefix` is ready mrkdwn (bullet, author), `raw` is text a person typed. */
export interface TextLine {
  prefix: string;
  raw: string;
}


/**
 * Splits raw text into pieces whose *escaped* form fits the budgets (the first piece `first`, the
 * rest `rest`), cutting between code points — never inside an escape or an emoji — and after a
 * space when one is near. Escaping grows text (`&` is five characters escaped), so the cut is
 * measured after escaping but made in the raw text.
 */
export function splitForEscape(raw: string, first: number, rest: number): string[] {
  const chars = Array.from(raw);
  const pieces: string[] = [];
  let start = 0;
  let budget = first;
  while (start < chars.length) {
    let used = 0;
    let end = start;
    let lastSpace = -1;
    while (end < chars.length && used + esc(chars[end]!).length <= budget) {
      used += esc(chars[end]!).length;
      if (/\s/.test(chars[end]!)) lastSpace = end;
      end++;
    }
    if (end < chars.length && lastSpace > start && end - lastSpace < 200) end = lastSpace + 1;
    if (end === start) end = start + 1; // a budget below one escaped character; cannot happen with real budgets
    pieces.push(chars.slice(start, end).join(''));
    start = end;
    budget = rest;
  }
  return pieces;
}

/**
 * Section texts of at most `max` characters each for a titled list of lines (No-go reasons,
 * check-in comments, leaderboard rows): whole lines where they fit, and a line longer than a
 * section continued in the next ones, cut in its raw text and escaped afterwards, so nothing is
 * lost and no escape is cut in half.
 */
export function escapedSectionTexts(title: string, lines: readonly TextLine[], max = SECTION_TEXT_MAX): string[] {
  const out: string[] = [];
  let chunk = title;
  const flush = () => {
    if (chunk) out.push(chunk);
    chunk = '';
  };
  for (const { prefix, raw } of lines) {
    const whole = `${prefix}${esc(raw)}`;
    const sep = chunk ? 1 : 0;
    if (chunk.length + sep + whole.length <= max) {
      chunk += `${sep ? '\n' : ''}${whole}`;
      continue;
    }
    if (whole.length <= max) {
      flush();
      chunk = whole;
      continue;
    }
    // Longer than a section: start it on a line of its own and continue it in the following sections.
    if (chunk.length + sep + prefix.length + 200 > max) flush();
    const lead = `${chunk}${chunk ? '\n' : ''}${prefix}`;
    const pieces = splitForEscape(raw, max - lead.length, max);
    chunk = `${lead}${esc(pieces[0] ?? '')}`;
    for (const piece of pieces.slice(1)) {
      flush();
      chunk = esc(piece);
    }
  }
  flush();
  return out;
}

/** Ready mrkdwn lines spread over as many sections as they need (a single over-long line is clipped). */
export function sectionsOfLines(lines: string[], max = SECTION_TEXT_MAX): SectionBlock[] {
  return escapedSectionTexts('', lines.map((l) => ({ prefix: clip(l, max), raw: '' })), max).map((t) => section(t));
}

export const fields = (items: string[]): SectionBlock => ({ type: 'section', fields: items.slice(0, 10).map((t) => ({ type: 'mrkdwn', text: clip(t, 2000) })) });
export const context = (...texts: string[]): ContextBlock => ({ type: 'context', elements: texts.slice(0, 10).map((t) => ({ type: 'mrkdwn', text: clip(t, 3000) })) });
export const divider = (): DividerBlock => ({ type: 'divider' });

export interface ButtonSpec {
  text: string;
  actionId: string;
  value?: string;
  style?: 'primary' | 'danger';
}

export const button = (b: ButtonSpec): Button => ({
  type: 'button',
  text: { type: 'plain_text', text: clip(b.text, 75), emoji: true },
  action_id: b.actionId,
  ...(b.value !== undefined ? { value: b.value } : {}),
  ...(b.style ? { style: b.style } : {}),
});

export const actions = (blockId: string, buttons: ButtonSpec[]): ActionsBlock => ({ type: 'actions', block_id: blockId, elements: buttons.map(button) });

export const mention = (userId: string) => `<@${userId}>`;

/** Text from outside shown as inline code: escaped, and a backtick in it (which would end the code span) shown as '. */
export const inlineCode = (text: string) => `\`${esc(text).replace(/`/g, "'")}\``;
/** An instant as a person reads it where no time zone is known: `2026-11-30 14:05 UTC`. */
export const utcText = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
/** Slack renders this in each reader's own time zone; clients that cannot (notifications, old apps) show the UTC fallback. */
export const slackDate = (d: Date, format = '{date_short_pretty} at {time}') => `<!date^${Math.floor(d.getTime() / 1000)}^${format}|${utcText(d)}>`;
