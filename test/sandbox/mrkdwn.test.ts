import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { slackDate } from '../../src/messages/blocks.js';
import { EMOJI, formatSlackDate, plainText, renderMrkdwn } from '../../src/sandbox/page/static/mrkdwn.js';
import { all, html, text } from '../helpers/vnodes.js';

const ofType = (x: unknown, type: string) => all(x, (n) => n.type === type);

const users = [{ id: 'U0ADA', name: 'Ada' }, { id: 'U0BEN', name: 'Ben' }];
const channels = [{ id: 'C0FRAUD', name: 'fraud-detection' }];
const NOW = new Date('2026-12-01T12:00:00Z');
const ctx = { html, users, channels, tz: 'Europe/London', now: () => NOW };
const md = (t: string, over: Partial<typeof ctx> = {}) => renderMrkdwn(t, { ...ctx, ...over });

describe('inline formatting', () => {
  it('draws bold, italic, strike and code, and nests them', () => {
    const tree = md('*bold* _italic_ ~gone~ `code` *bold with _italic_ inside*');
    expect(ofType(tree, 'strong').map(text)).toEqual(['bold', 'bold with italic inside']);
    expect(ofType(tree, 'em').map(text)).toEqual(['italic', 'italic']);
    expect(ofType(ofType(tree, 'strong')[1], 'em')).toHaveLength(1);
    expect(ofType(tree, 's').map(text)).toEqual(['gone']);
    expect(ofType(tree, 'code').map(text)).toEqual(['code']);
    expect(text(tree)).toBe('bold italic gone code bold with italic inside');
  });

  it('leaves marks inside code and inside words alone', () => {
    const tree = md('`*not bold* _nor italic_` snake_case_name 2*3*4');
    expect(ofType(tree, 'strong')).toEqual([]);
    expect(ofType(tree, 'em')).toEqual([]);
    expect(ofType(tree, 'code').map(text)).toEqual(['*not bold* _nor italic_']);
    expect(text(tree)).toContain('snake_case_name 2*3*4');
  });

  it('takes a code span inside bold whole, so its * does not close the bold', () => {
    const tree = md('*a `b*c` d*');
    expect(ofType(tree, 'strong').map(text)).toEqual(['a b*c d']);
    expect(ofType(ofType(tree, 'strong')[0], 'code').map(text)).toEqual(['b*c']);
  });

  it('decodes the entities Slack escapes, once', () => {
    expect(text(md('a &lt;b&gt; &amp; &amp;lt;'))).toBe('a <b> & &lt;');
  });

  it('keeps a <script> a string, escaped or not', () => {
    for (const t of ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;']) {
      const tree = md(t);
      expect(ofType(tree, 'script')).toEqual([]);
      expect(all(tree, (n) => !['div', 'span'].includes(n.type))).toEqual([]);
      expect(text(tree)).toBe('<script>alert(1)</script>');
    }
  });
});

describe('links and mentions', () => {
  it('links http, https and mailto, decoding the URL', () => {
    const tree = md('<https://example.com/a?b=1&amp;c=2|the docs> and <http://x.test> and <mailto:ada@example.com>');
    expect(ofType(tree, 'a').map((a) => [a.props.href, text(a)])).toEqual([
      ['https://example.com/a?b=1&c=2', 'the docs'],
      ['http://x.test', 'http://x.test'],
      ['mailto:ada@example.com', 'ada@example.com'],
    ]);
    expect(ofType(tree, 'a')[0]!.props).toMatchObject({ target: '_blank', rel: 'noopener noreferrer' });
  });

  it('does not link javascript: or data: URLs; their label is text', () => {
    const tree = md('<javascript:alert(1)|click me> <data:text/html,hi> <JavaScript:x|y>');
    expect(ofType(tree, 'a')).toEqual([]);
    expect(text(tree)).toBe('click me <data:text/html,hi> y');
  });

  it('names people and channels from the context, and shows broadcasts', () => {
    const tree = md('<@U0ADA> <@U0NOBODY> <@U0GONE|gone> <#C0FRAUD> <#C0OTHER|other> <!here> <!channel> <!everyone> <!subteam^S1|@ml-team>');
    expect(all(tree, (n) => String(n.props.class).startsWith('md-mention')).map(text)).toEqual([
      '@Ada', '@U0NOBODY', '@gone', '#fraud-detection', '#other', '@here', '@channel', '@everyone', '@ml-team',
    ]);
  });
});

describe('dates', () => {
  const deadline = new Date('2026-12-01T17:00:00Z');

  it('shows a slackDate() from the app in the viewer’s own zone', () => {
    const london = text(md(`closes ${slackDate(deadline)}`, { tz: 'Europe/London' }));
    const singapore = text(md(`closes ${slackDate(deadline)}`, { tz: 'Asia/Singapore' }));
    const newYork = text(md(`closes ${slackDate(deadline)}`, { tz: 'America/New_York' }));
    expect(london).toBe('closes Today at 5:00 PM');
    expect(singapore).toBe('closes Tomorrow at 1:00 AM');
    expect(newYork).toBe('closes Today at 12:00 PM');
  });

  it('falls back to a readable UTC time, not a raw ISO string, where the date cannot be rendered', () => {
    expect(text(md(`closes ${slackDate(deadline)}`, { tz: 'Mars/Olympus_Mons' }))).toBe('closes 2026-12-01 17:00 UTC');
  });

  it('says Yesterday the day after, and the date further away', () => {
    expect(text(md(slackDate(deadline), { now: () => new Date('2026-12-02T09:00:00Z') }))).toBe('Yesterday at 5:00 PM');
    expect(text(md(slackDate(deadline), { now: () => new Date('2026-12-09T09:00:00Z') }))).toBe('Dec 1, 2026 at 5:00 PM');
    expect(text(md(slackDate(deadline, '{date_short}')))).toBe('Dec 1, 2026');
  });

  it('knows Slack’s tokens', () => {
    const ts = deadline.getTime() / 1000;
    const utc = { tz: 'UTC', now: () => NOW };
    expect(formatSlackDate(ts, '{date_num} | {date} | {date_long} | {time_secs}', utc)).toBe('2026-12-01 | December 1st, 2026 | Tuesday, December 1st, 2026 | 5:00:00 PM');
    expect(formatSlackDate(ts, '{date_pretty} {date_long_pretty}', utc)).toBe('Today Today');
    expect(formatSlackDate(ts, '{ago}', { tz: 'UTC', now: () => new Date('2026-12-01T20:00:00Z') })).toBe('3 hours ago');
    expect(['2026-12-02', '2026-12-03', '2026-12-11', '2026-12-22'].map((d) => formatSlackDate(Date.parse(`${d}T12:00:00Z`) / 1000, '{date}', utc))).toEqual([
      'December 2nd, 2026', 'December 3rd, 2026', 'December 11th, 2026', 'December 22nd, 2026',
    ]);
  });

  it('shows the fallback when the date cannot be read', () => {
    expect(text(md('<!date^soon^{date}|about noon>'))).toBe('about noon');
    expect(text(md('<!date^1796144400^{nonsense}|about noon>'))).toBe('about noon');
    expect(text(md('<!date^1796144400^{constructor}|about noon>'))).toBe('about noon');
    expect(text(md('<!date^1796144400^{date}|about noon>', { tz: 'Mars/Olympus_Mons' }))).toBe('about noon');
  });

  it('links the date when it carries a link', () => {
    const [a] = ofType(md('<!date^1796144400^{date_num}^https://example.com/x|fallback>', { tz: 'UTC' }), 'a');
    expect([a?.props.href, text(a)]).toEqual(['https://example.com/x', '2026-12-01']);
  });
});

describe('lines', () => {
  it('draws quotes, bullet and numbered lines, keeping their markers', () => {
    const tree = md('> quoted *line*\n> and more\n• first\n- second\n1. one\nplain');
    expect(ofType(tree, 'blockquote').map(text)).toEqual(['quoted lineand more']);
    expect(all(tree, (n) => n.props.class === 'md-marker').map(text)).toEqual(['•', '-', '1.']);
  });

  it('does not quote a > that esc() wrote for text someone typed', () => {
    expect(ofType(md('&gt; typed'), 'blockquote')).toEqual([]);
  });

  it('keeps pre blocks verbatim, and an unclosed fence as text', () => {
    const tree = md('before\n```\n*raw* <@U0ADA> &lt;x&gt;\n```\nafter');
    expect(ofType(tree, 'pre').map(text)).toEqual(['*raw* @Ada <x>']);
    expect(ofType(tree, 'strong')).toEqual([]);
    expect(text(md('a ```b'))).toBe('a ```b');
  });
});

describe('emoji', () => {
  it('maps known shortcodes and leaves the rest as written', () => {
    expect(text(md(':white_check_mark: done :no_entry_sign: :not_a_real_one: 10:30:00'))).toBe('✅ done 🚫 :not_a_real_one: 10:30:00');
    expect(text(md(':constructor: :tostring:'))).toBe(':constructor: :tostring:');
    expect(plainText({ text: ':constructor:' })).toBe(':constructor:');
  });

  it('knows every shortcode the app’s messages use', () => {
    const sources = ['src/messages', 'src/slack'].flatMap((dir) =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(`${dir}/${f}`, 'utf8')),
    );
    const used = new Set(sources.flatMap((s) => [...s.matchAll(/[`' (]:([a-z][a-z0-9_+]*):/g)].map((m) => m[1]!)));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((name) => !(name in EMOJI))).toEqual([]);
  });

  it('plain_text maps shortcodes unless emoji is false, and decodes nothing', () => {
    expect(plainText({ type: 'plain_text', text: ':tada: Go & <b>', emoji: true })).toBe('🎉 Go & <b>');
    expect(plainText({ type: 'plain_text', text: ':tada: &amp;', emoji: false })).toBe(':tada: &amp;');
  });
});
