// @ts-check
/**
 * Slack mrkdwn → vnodes, for the sandbox page.
 *
 * Hand-written because nothing published fits: the only npm mrkdwn library (slack-markdown 0.3)
 * is unmaintained, returns HTML strings (which would mean innerHTML) and needs a bundler; none
 * renders to vnodes in the browser. This covers what Slack documents for app text and what the
 * app emits (src/messages/blocks.ts: esc, mention, slackDate).
 *
 * Output goes through the injected `html` (htm bound to preact's `h` in the page, to a plain
 * object builder in tests), so every piece of text is a string child that preact escapes: no
 * markup is ever built from text.
 */

/** @typedef {import('./mrkdwn.js').MrkdwnContext} Ctx */

/** Only these open from a link; `javascript:` and the rest are shown as text. */
const SAFE_HREF = /^(https?:|mailto:)/i;

/** @param {string} url */
export const safeHref = (url) => (SAFE_HREF.test(url) ? url : null);

/**
 * The shortcodes the app writes (grep `:[a-z_]+:` in src/messages, src/services, src/slack) and a
 * few common ones; any other shortcode is shown as written, as Slack does for unknown emoji.
 * @type {Record<string, string>}
 */
export const EMOJI = {
  alarm_clock: '⏰', arrow_down: '⬇️', arrow_up: '⬆️', ballot_box_with_ballot: '🗳️', bar_chart: '📊',
  bell: '🔔', bulb: '💡', calendar: '📅', chart_with_downwards_trend: '📉', chart_with_upwards_trend: '📈',
  eyes: '👀', fast_forward: '⏩', fire: '🔥', gear: '⚙️', grey_question: '❔', hammer_and_wrench: '🛠️',
  heavy_check_mark: '✔️', heavy_minus_sign: '➖', heavy_multiplication_x: '✖️', hourglass: '⌛',
  hourglass_flowing_sand: '⏳', information_source: 'ℹ️', key: '🔑', label: '🏷️', large_green_circle: '🟢',
  large_orange_circle: '🟠', large_yellow_circle: '🟡', left_right_arrow: '↔️', link: '🔗', lock: '🔒', mag: '🔍',
  memo: '📝', no_entry: '⛔', no_entry_sign: '🚫', package: '📦', pencil2: '✏️', question: '❓', red_circle: '🔴',
  robot_face: '🤖', rocket: '🚀', rotating_light: '🚨', slightly_smiling_face: '🙂', sparkles: '✨',
  tada: '🎉', test_tube: '🧪', thumbsup: '👍', '+1': '👍', thumbsdown: '👎', '-1': '👎', warning: '⚠️',
  wave: '👋', white_check_mark: '✅', x: '❌', zzz: '💤',
};

/** Own keys only: `:constructor:` is not an emoji. @param {string} name */
const emojiOf = (name) => (Object.hasOwn(EMOJI, name) ? EMOJI[name] : undefined);

/** @param {string} text */
export const emojify = (text) => text.replace(/:([a-z0-9_+-]+):/g, (code, name) => emojiOf(name) ?? code);

/** Slack escapes &, < and > in mrkdwn text; one pass, so `&amp;lt;` shows as `&lt;`. */
const ENTITIES = /** @type {Record<string, string>} */ ({ amp: '&', lt: '<', gt: '>' });
/** @param {string} text */
export const decodeEntities = (text) => text.replace(/&(amp|lt|gt);/g, (_, name) => ENTITIES[name] ?? '');

/**
 * A `plain_text` object as the string Slack shows: no formatting, no entity decoding, shortcodes
 * mapped unless `emoji: false`.
 * @param {{ text?: string, emoji?: boolean } | string | null | undefined} obj
 */
export function plainText(obj) {
  if (obj == null) return '';
  if (typeof obj === 'string') return obj;
  const text = String(obj.text ?? '');
  return obj.emoji === false ? text : emojify(text);
}

/**
 * Either kind of text object: mrkdwn is parsed, plain_text is shown as it is.
 * @param {{ type?: string, text?: string, emoji?: boolean } | null | undefined} obj
 * @param {Ctx} ctx
 */
export function renderText(obj, ctx) {
  if (obj == null) return null;
  if (obj.type === 'mrkdwn') return renderMrkdwn(String(obj.text ?? ''), ctx);
  return ctx.html`<span class="md-plain">${plainText(obj)}</span>`;
}

// ---- dates ---------------------------------------------------------------------------------

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** @param {number} n */
const ordinal = (n) => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
const DAY_MS = 86_400_000;

/**
 * The calendar and clock of `date` in `tz`; throws a RangeError for an unknown zone.
 * @param {Date} date
 * @param {string | undefined} tz
 */
function wallClock(date, tz) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, weekday: 'long', year: 'numeric', month: 'numeric', day: 'numeric',
    hour: 'numeric', minute: '2-digit', second: '2-digit', hour12: true,
  }).formatToParts(date);
  /** @param {string} type */
  const get = (type) => parts.find((p) => p.type === type)?.value ?? '';
  const [year, month, day] = [Number(get('year')), Number(get('month')), Number(get('day'))];
  return {
    year, month, day, weekday: get('weekday'),
    time: `${get('hour')}:${get('minute')} ${get('dayPeriod')}`,
    timeSecs: `${get('hour')}:${get('minute')}:${get('second')} ${get('dayPeriod')}`,
    dayNumber: Date.UTC(year, month - 1, day) / DAY_MS,
  };
}

/** @param {number} ms difference from now, negative in the past */
function ago(ms) {
  const s = ms / 1000;
  /** @type {[Intl.RelativeTimeFormatUnit, number][]} */
  const units = [['year', 31_536_000], ['month', 2_592_000], ['day', 86_400], ['hour', 3_600], ['minute', 60]];
  const fmt = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of units) if (Math.abs(s) >= size) return fmt.format(Math.round(s / size), unit);
  return fmt.format(Math.round(s), 'second');
}

/**
 * A `<!date^…>` format string for the viewer: Slack's tokens in the viewer's zone `ctx.tz`, with
 * Today/Yesterday/Tomorrow relative to `ctx.now()` in the pretty ones. Null when the format has a
 * token Slack does not know or the zone is not a real one, so the caller shows the fallback.
 * @param {number} seconds
 * @param {string} format
 * @param {{ tz?: string, now?: () => Date }} ctx
 */
export function formatSlackDate(seconds, format, ctx) {
  const date = new Date(seconds * 1000);
  const now = ctx.now?.() ?? new Date();
  let c, today;
  try {
    c = wallClock(date, ctx.tz);
    today = wallClock(now, ctx.tz);
  } catch {
    return null;
  }
  const monthName = MONTHS[c.month - 1] ?? '';
  /** @type {Record<string, string>} */
  const base = {
    date_num: `${c.year}-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}`,
    date: `${monthName} ${ordinal(c.day)}, ${c.year}`,
    date_short: `${monthName.slice(0, 3)} ${c.day}, ${c.year}`,
    date_long: `${c.weekday}, ${monthName} ${ordinal(c.day)}, ${c.year}`,
    time: c.time,
    time_secs: c.timeSecs,
    ago: ago(date.getTime() - now.getTime()),
  };
  const relative = { [-1]: 'Yesterday', 0: 'Today', 1: 'Tomorrow' }[c.dayNumber - today.dayNumber];
  for (const kind of ['date', 'date_short', 'date_long']) base[`${kind}_pretty`] = relative ?? base[kind] ?? '';
  let known = true;
  const out = format.replace(/\{(\w+)\}/g, (token, name) => {
    if (Object.hasOwn(base, name)) return base[name] ?? '';
    known = false;
    return token;
  });
  return known ? out : null;
}

// ---- control sequences: <…> ----------------------------------------------------------------

/** @param {string} s @param {string} sep */
function splitOnce(s, sep) {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** @param {readonly { id: string, name: string }[] | undefined} list @param {string} id */
const nameOf = (list, id) => list?.find((x) => x.id === id)?.name;

const BROADCASTS = new Set(['here', 'channel', 'everyone']);

/**
 * What a `<…>` sequence shows: a link, a mention, a date, or (anything unrecognised) the text as
 * written. `plain` gives only the words, for code spans and pre blocks.
 * @param {string} inner the text between < and >
 * @param {Ctx} ctx
 * @param {boolean} [plain]
 */
function control(inner, ctx, plain = false) {
  const { html } = ctx;
  const [target = '', rawLabel] = splitOnce(inner, '|');
  const label = rawLabel === undefined ? undefined : decodeEntities(rawLabel);
  /** @param {string} text @param {string} kind */
  const mention = (text, kind) => (plain ? text : html`<span class=${`md-mention md-mention--${kind}`}>${text}</span>`);
  if (target.startsWith('@')) return mention(`@${nameOf(ctx.users, target.slice(1)) ?? label ?? target.slice(1)}`, 'user');
  if (target.startsWith('#')) return mention(`#${nameOf(ctx.channels, target.slice(1)) ?? label ?? target.slice(1)}`, 'channel');
  if (target.startsWith('!date^')) return slackDate(target, label, ctx, plain);
  if (target.startsWith('!subteam^')) return mention(label ?? '@group', 'group');
  if (target.startsWith('!') && BROADCASTS.has(target.slice(1))) return mention(`@${target.slice(1)}`, 'broadcast');
  if (target.startsWith('!')) return label ?? `<${decodeEntities(inner)}>`;
  const url = decodeEntities(target);
  const href = safeHref(url);
  // Without a safe scheme it is not a link: its label, or the sequence as written (so a stray
  // `<script>` reads as itself).
  if (!href) return label || `<${url}>`;
  const text = label || url.replace(/^mailto:/i, '');
  if (plain) return text;
  return html`<a class="md-link" href=${href} target="_blank" rel="noopener noreferrer">${text}</a>`;
}

/**
 * `<!date^1700000000^{date_short} at {time}^https://optional.link|fallback>`; the fallback (or the
 * sequence itself) when it cannot be read.
 * @param {string} target @param {string | undefined} fallback
 * @param {Ctx} ctx @param {boolean} plain
 */
function slackDate(target, fallback, ctx, plain) {
  const [, ts = '', format = '', link] = target.split('^');
  const text = /^-?\d+$/.test(ts) && format ? formatSlackDate(Number(ts), format, ctx) : null;
  if (text === null) return fallback ?? decodeEntities(`<${target}>`);
  if (plain) return text;
  const title = formatSlackDate(Number(ts), '{date_long} {time_secs}', ctx) ?? undefined;
  const href = link ? safeHref(decodeEntities(link)) : null;
  return href
    ? ctx.html`<a class="md-date md-link" href=${href} title=${title} target="_blank" rel="noopener noreferrer">${text}</a>`
    : ctx.html`<time class="md-date" title=${title}>${text}</time>`;
}

// ---- inline formatting ---------------------------------------------------------------------

/**
 * Emphasis as Slack reads it: the opening mark not inside a word, the closing one not followed by
 * one, neither next to a space, on one line. Code spans and `<…>` inside are taken whole, so a
 * `*` in a URL or in code neither opens nor closes anything.
 * @param {string} mark as it appears in a character class @param {string} escaped
 */
const emphasis = (mark, escaped) =>
  `(?<![\\p{L}\\p{N}${mark}])${escaped}(?!\\s)((?:\`[^\`\\n]+\`|<[^<>\\n]+>|[^${mark}\\n])+?)(?<!\\s)${escaped}(?![\\p{L}\\p{N}${mark}])`;
const INLINE = new RegExp(['`([^`\\n]+)`', '<([^<>\\n]+)>', emphasis('*', '\\*'), emphasis('_', '_'), emphasis('~', '~')].join('|'), 'gu');

/**
 * Plain text with entities decoded and known shortcodes as emoji (a span, so the shortcode shows
 * on hover).
 * @param {string} s @param {Ctx} ctx
 */
function words(s, ctx) {
  const text = decodeEntities(s);
  /** @type {unknown[]} */
  const out = [];
  let last = 0;
  for (const m of text.matchAll(/:([a-z0-9_+-]+):/g)) {
    const emoji = emojiOf(m[1] ?? '');
    if (!emoji) continue;
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(ctx.html`<span class="md-emoji" title=${m[0]}>${emoji}</span>`);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/**
 * A code span or pre block: entities decoded, `<…>` shown as their words, nothing else
 * interpreted.
 * @param {string} s @param {Ctx} ctx
 */
const verbatim = (s, ctx) => s.split(/<([^<>\n]+)>/).map((part, i) => (i % 2 ? control(part, ctx, true) : decodeEntities(part)));

/** @param {string} s @param {Ctx} ctx @returns {unknown[]} */
function inline(s, ctx) {
  const { html } = ctx;
  /** @type {unknown[]} */
  const out = [];
  let last = 0;
  for (const m of s.matchAll(INLINE)) {
    if (m.index > last) out.push(...words(s.slice(last, m.index), ctx));
    const [, code, ctl, bold, italic, strike] = m;
    if (code !== undefined) out.push(html`<code class="md-code">${verbatim(code, ctx)}</code>`);
    else if (ctl !== undefined) out.push(control(ctl, ctx));
    else if (bold !== undefined) out.push(html`<strong>${inline(bold, ctx)}</strong>`);
    else if (italic !== undefined) out.push(html`<em>${inline(italic, ctx)}</em>`);
    else if (strike !== undefined) out.push(html`<s>${inline(strike, ctx)}</s>`);
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(...words(s.slice(last), ctx));
  return out;
}

// ---- lines and blocks ----------------------------------------------------------------------

/**
 * A literal `>` starts a quote; `&gt;` does not, because that is how esc() writes a `>` someone
 * typed, and Slack shows it as text.
 */
const QUOTE = /^>\s?/;
/** Slack shows list markers as written; the page only gives them a hanging indent. */
const LIST_ITEM = /^(\s*)(•|◦|-|\d{1,3}[.)])\s+/;

/** @param {string} line @param {Ctx} ctx */
function lineOf(line, ctx) {
  const { html } = ctx;
  const item = LIST_ITEM.exec(line);
  if (!item) return html`<div class="md-line">${inline(line, ctx)}</div>`;
  const indent = Math.min(4, Math.floor((item[1] ?? '').length / 2));
  return html`<div class=${`md-li md-indent-${indent}`}><span class="md-marker">${item[2]}</span><span>${inline(line.slice(item[0].length), ctx)}</span></div>`;
}

/** @param {string} text @param {Ctx} ctx */
function paragraphs(text, ctx) {
  /** @type {unknown[]} */
  const out = [];
  /** @type {string[]} */
  let quote = [];
  const flush = () => {
    if (quote.length) out.push(ctx.html`<blockquote class="md-quote">${quote.map((l) => lineOf(l, ctx))}</blockquote>`);
    quote = [];
  };
  for (const line of text.split('\n')) {
    if (QUOTE.test(line)) quote.push(line.replace(QUOTE, ''));
    else {
      flush();
      out.push(lineOf(line, ctx));
    }
  }
  flush();
  return out;
}

/**
 * Slack mrkdwn as a `div.md`: one child per line (lists and quotes included) and ``` blocks as
 * `pre`. A fence without its closing partner is shown as text, as in Slack.
 * @param {string} text
 * @param {Ctx} ctx
 */
export function renderMrkdwn(text, ctx) {
  const parts = String(text).split('```');
  if (parts.length % 2 === 0) {
    const tail = parts.pop();
    parts.push(`${parts.pop()}\`\`\`${tail}`);
  }
  const children = parts.flatMap((part, i) => {
    if (i % 2) return [ctx.html`<pre class="md-pre">${verbatim(part.replace(/^\n/, '').replace(/\n$/, ''), ctx)}</pre>`];
    // The newline beside a fence belongs to the fence, not to an empty line.
    const lead = i > 0 ? part.replace(/^\n/, '') : part;
    const trimmed = i < parts.length - 1 ? lead.replace(/\n$/, '') : lead;
    return trimmed === '' && parts.length > 1 ? [] : paragraphs(trimmed, ctx);
  });
  return ctx.html`<div class="md">${children}</div>`;
}
