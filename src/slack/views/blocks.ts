// Tiny constructors for the Block Kit shapes this app uses, so builders read as data.
export type Block = Record<string, unknown> & { type: string };

export const SECTION_TEXT_MAX = 3000;
export const HEADER_MAX = 150;

/** Slack's mrkdwn needs &, < and > escaped in anything a person typed. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * For a message's `text` fallback (notifications, screen readers): neutralises the `<…>` control
 * sequences a person or a model could have typed — broadcasts (`<!channel>`), channel references,
 * links — and leaves the rest as written, user mentions and comparisons (`<= 200`) included.
 */
export function safeFallback(text: string): string {
  return text.replace(/<(?=[!#a-zA-Z])/g, '&lt;');
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export const header = (text: string): Block => ({ type: 'header', text: { type: 'plain_text', text: clip(text, HEADER_MAX), emoji: true } });
export const section = (text: string, blockId?: string): Block => ({ type: 'section', ...(blockId ? { block_id: blockId } : {}), text: { type: 'mrkdwn', text: clip(text, SECTION_TEXT_MAX) } });
/**
 * Lines spread over as many sections as they need, each within Slack's 3,000 characters, instead
 * of one section silently cut short. A single line longer than that is clipped.
 */
export function sectionsOfLines(lines: string[], max = SECTION_TEXT_MAX): Block[] {
  const out: Block[] = [];
  let current = '';
  for (const raw of lines) {
    const line = clip(raw, max);
    if (current && current.length + 1 + line.length > max) {
      out.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(section(current));
  return out;
}

export const fields = (items: string[]): Block => ({ type: 'section', fields: items.slice(0, 10).map((t) => ({ type: 'mrkdwn', text: clip(t, 2000) })) });
export const context = (...texts: string[]): Block => ({ type: 'context', elements: texts.slice(0, 10).map((t) => ({ type: 'mrkdwn', text: clip(t, 3000) })) });
export const divider = (): Block => ({ type: 'divider' });

export interface ButtonSpec {
  text: string;
  actionId: string;
  value?: string;
  style?: 'primary' | 'danger';
}

export const button = (b: ButtonSpec): Record<string, unknown> => ({
  type: 'button',
  text: { type: 'plain_text', text: clip(b.text, 75), emoji: true },
  action_id: b.actionId,
  ...(b.value !== undefined ? { value: b.value } : {}),
  ...(b.style ? { style: b.style } : {}),
});

export const actions = (blockId: string, buttons: ButtonSpec[]): Block => ({ type: 'actions', block_id: blockId, elements: buttons.map(button) });

export const mention = (userId: string) => `<@${userId}>`;
/** Slack renders this in each reader's own time zone. */
export const slackDate = (d: Date, format = '{date_short_pretty} at {time}') => `<!date^${Math.floor(d.getTime() / 1000)}^${format}|${d.toISOString()}>`;
