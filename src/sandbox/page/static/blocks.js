// @ts-check
/**
 * Block Kit → vnodes, for the sandbox page: the blocks and elements the app sends (and the common
 * ones around them), with anything else shown as an "Unsupported" box, never dropped, so a block
 * the page cannot draw is seen rather than silently missing.
 *
 * Pure: `ctx.html` builds the nodes and `ctx.onAction` is the only way out. Form controls are
 * uncontrolled (defaultValue, defaultChecked, defaultSelected), so a re-render keeps what the
 * person typed; each is named `${block_id}\u001f${action_id}` for readValues().
 */
import { emojify, formatSlackDate, plainText, renderText, safeHref } from './mrkdwn.js';

/** @typedef {import('./blocks.js').BlockContext} Ctx */
/** @typedef {Record<string, any>} Json Block Kit as it arrives: untyped JSON. */

/** Between block_id and action_id in a control's name: a character neither id can contain. */
export const FIELD_SEP = '\u001f';
/** @param {string} blockId @param {string} actionId */
export const fieldName = (blockId, actionId) => `${blockId}${FIELD_SEP}${actionId}`;

/**
 * Every named control of a form as Slack groups view state: block, then action. Text is null when
 * empty, multi-selects and checkboxes give arrays, a radio group with nothing chosen gives null.
 * @param {{ elements: ArrayLike<any> }} form
 */
export function readValues(form) {
  /** @type {Record<string, Record<string, string | string[] | null>>} */
  const values = {};
  for (const el of Array.from(form.elements)) {
    const cut = typeof el.name === 'string' ? el.name.indexOf(FIELD_SEP) : -1;
    if (cut < 0) continue;
    const block = (values[el.name.slice(0, cut)] ??= {});
    const action = el.name.slice(cut + 1);
    const seen = block[action];
    if (el.type === 'checkbox') block[action] = [...(Array.isArray(seen) ? seen : []), ...(el.checked ? [el.value] : [])];
    // A datetimepicker's wall time, read in the viewer's zone, goes to Slack as Unix seconds.
    else if (el.type === 'datetime-local') block[action] = el.value ? zonedToSeconds(el.value, el.dataset?.tz ?? 'UTC') : null;
    else if (el.type === 'radio') block[action] = el.checked ? el.value : (seen ?? null);
    else if (el.multiple) block[action] = Array.from(el.selectedOptions, (/** @type {{ value: string }} */ o) => o.value);
    else block[action] = el.value === '' ? null : el.value;
  }
  return values;
}

/**
 * The blocks of a message, modal or App Home, in order.
 * @param {readonly unknown[] | null | undefined} blocks
 * @param {Ctx} ctx
 */
export function renderBlocks(blocks, ctx) {
  const list = Array.isArray(blocks) ? blocks : [];
  return ctx.html`<div class="bk-blocks">${list.map((b, i) => {
    // Slack gives every block an id; this is only for blocks stored without one.
    const id = typeof b?.block_id === 'string' ? b.block_id : `block-${i}`;
    const render = Object.hasOwn(BLOCKS, b?.type) ? BLOCKS[b.type] : undefined;
    return ctx.html`<div class="bk-block" key=${id} data-block-id=${id}>${render ? render(b, id, ctx) : unsupported('block', b, ctx)}</div>`;
  })}</div>`;
}

/** @type {Record<string, (b: Json, id: string, ctx: Ctx) => unknown>} */
const BLOCKS = {
  header: (b, _id, { html }) => html`<h2 class="bk-header">${plainText(b.text)}</h2>`,
  divider: (_b, _id, { html }) => html`<hr class="bk-divider" />`,
  section: (b, id, ctx) => ctx.html`<div class="bk-section">
    <div class="bk-section-main">
      ${renderText(b.text, ctx)}
      ${b.fields?.length ? ctx.html`<div class="bk-fields">${b.fields.map((/** @type {Json} */ f) => ctx.html`<div class="bk-field">${renderText(f, ctx)}</div>`)}</div>` : null}
    </div>
    ${b.accessory ? ctx.html`<div class="bk-accessory">${b.accessory.type === 'image' ? image(b.accessory, 'bk-accessory-image', ctx) : element(b.accessory, id, ctx)}</div>` : null}
  </div>`,
  context: (b, _id, ctx) => ctx.html`<div class="bk-context">${(b.elements ?? []).map((/** @type {Json} */ el) =>
    el?.type === 'image' ? image(el, 'bk-context-image', ctx) : el?.type === 'mrkdwn' || el?.type === 'plain_text' ? renderText(el, ctx) : unsupported('element', el, ctx),
  )}</div>`,
  actions: (b, id, ctx) => ctx.html`<div class="bk-actions">${(b.elements ?? []).map((/** @type {Json} */ el) => element(el, id, ctx))}</div>`,
  image: (b, _id, ctx) => ctx.html`<figure class="bk-image">
    ${b.title ? ctx.html`<figcaption class="bk-image-title">${plainText(b.title)}</figcaption>` : null}
    ${image(b, 'bk-image-img', ctx)}
  </figure>`,
  input,
  rich_text: (b, _id, ctx) => ctx.html`<div class="bk-rich-text">${(b.elements ?? []).map((/** @type {Json} */ el) => richBlock(el, ctx))}</div>`,
};

/**
 * What a block or element looks like when the page cannot draw it: its type, and its JSON on demand.
 * @param {'block' | 'element'} kind @param {unknown} obj @param {Ctx} ctx
 */
function unsupported(kind, obj, { html }) {
  const type = /** @type {Json} */ (obj)?.type;
  return html`<div class=${`bk-unsupported bk-unsupported--${kind}`}>
    <div class="bk-unsupported-title">Unsupported ${kind}: <code>${typeof type === 'string' ? type : '(no type)'}</code></div>
    <details><summary>JSON</summary><pre>${JSON.stringify(obj, null, 2)}</pre></details>
  </div>`;
}

// ---- images --------------------------------------------------------------------------------

/**
 * An image block or element: `image_url` (http or https only) or `slack_file` (by id through
 * ctx.fileUrl, or by url); its alt text in a box when neither gives a source.
 * @param {Json} el @param {string} cls @param {Ctx} ctx
 */
function image(el, cls, ctx) {
  const file = el.slack_file;
  const src =
    (typeof file?.id === 'string' && ctx.fileUrl ? ctx.fileUrl(file.id) : null) ??
    (typeof file?.url === 'string' ? httpOnly(file.url) : null) ??
    (typeof el.image_url === 'string' ? httpOnly(el.image_url) : null);
  const alt = typeof el.alt_text === 'string' ? el.alt_text : '';
  return src
    ? ctx.html`<img class=${cls} src=${src} alt=${alt} title=${alt || undefined} loading="lazy" />`
    : ctx.html`<span class=${`${cls} bk-image-missing`} role="img" aria-label=${alt}>${alt || 'Image'}</span>`;
}

/** @param {string} url */
const httpOnly = (url) => (/^https?:/i.test(url) ? url : null);

// ---- interactive elements ------------------------------------------------------------------

/**
 * @typedef {{ value: string, label: string, group?: string }} Choice
 * @param {Json} o a Block Kit option
 * @returns {Choice}
 */
const choice = (o) => ({ value: String(o?.value ?? ''), label: plainText(o?.text?.type === 'mrkdwn' ? o.text.text : o?.text) });
/** @param {Json} el */
const choicesOf = (el) =>
  el.option_groups
    ? el.option_groups.flatMap((/** @type {Json} */ g) => (g.options ?? []).map((/** @type {Json} */ o) => ({ ...choice(o), group: plainText(g.label) })))
    : (el.options ?? []).map(choice);

/**
 * People or channels as choices, plus any preselected id the page does not know, so submitting
 * an untouched form never drops a value.
 * @param {readonly { id: string, name: string }[] | undefined} list @param {string[]} initial
 * @returns {Choice[]}
 */
function named(list, initial) {
  const known = (list ?? []).map((x) => ({ value: x.id, label: x.name }));
  return [...known, ...initial.filter((id) => !known.some((k) => k.value === id)).map((id) => ({ value: id, label: id }))];
}

/** @param {unknown} v */
const ids = (v) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/**
 * Select menus: what to offer and what starts selected, by element type.
 * @type {Record<string, (el: Json, ctx: Ctx) => { choices: Choice[], initial: string[], multiple: boolean }>}
 */
const SELECTS = {
  static_select: (el) => ({ choices: choicesOf(el), initial: el.initial_option ? [choice(el.initial_option).value] : [], multiple: false }),
  multi_static_select: (el) => ({ choices: choicesOf(el), initial: (el.initial_options ?? []).map((/** @type {Json} */ o) => choice(o).value), multiple: true }),
  users_select: (el, ctx) => ({ choices: named(ctx.users, ids(el.initial_user)), initial: ids(el.initial_user), multiple: false }),
  multi_users_select: (el, ctx) => ({ choices: named(ctx.users, ids(el.initial_users)), initial: ids(el.initial_users), multiple: true }),
  channels_select: (el, ctx) => ({ choices: named(ctx.channels, ids(el.initial_channel)), initial: ids(el.initial_channel), multiple: false }),
  multi_channels_select: (el, ctx) => ({ choices: named(ctx.channels, ids(el.initial_channels)), initial: ids(el.initial_channels), multiple: true }),
  conversations_select: (el, ctx) => ({ choices: named(ctx.channels, ids(el.initial_conversation)), initial: ids(el.initial_conversation), multiple: false }),
  multi_conversations_select: (el, ctx) => ({ choices: named(ctx.channels, ids(el.initial_conversations)), initial: ids(el.initial_conversations), multiple: true }),
};

/** Single-line inputs: the HTML input type for each Block Kit one. */
const INPUT_TYPES = /** @type {Record<string, string>} */ ({ email_text_input: 'email', url_text_input: 'url', datepicker: 'date', timepicker: 'time' });

/**
 * Any interactive element. In an input block (`field` given) controls only hold a value for the
 * submission; elsewhere (actions, section accessory) a change is an action sent at once, as in
 * Slack.
 * @param {Json} el @param {string} blockId @param {Ctx} ctx
 * @param {{ domId: string, required: boolean, invalid: boolean, dispatch?: boolean }} [field]
 */
function element(el, blockId, ctx, field) {
  const { html } = ctx;
  const type = el?.type;
  const actionId = String(el?.action_id ?? '');
  const name = fieldName(blockId, actionId);
  const placeholder = el?.placeholder ? plainText(el.placeholder) : undefined;
  /** @param {string | null} selectedValue @param {string} [label] */
  const act = (selectedValue, label) => ctx.onAction?.({ blockId, actionId, type, selectedValue, label });
  // An input block with dispatch_action sends its changes at once too (the app may redraw the modal).
  const live = !field || field.dispatch;
  const onChange = live ? (/** @type {any} */ e) => act(e.currentTarget.value || null) : undefined;
  const common = { id: field?.domId, name, required: field?.required, 'aria-invalid': field?.invalid || undefined };

  if (type === 'button') return button(el, blockId, ctx);
  if (type === 'overflow') return overflow(el, blockId, ctx);
  if (Object.hasOwn(SELECTS, type)) {
    const { choices, initial, multiple } = SELECTS[type](el, ctx);
    const option = (/** @type {Choice} */ c) => html`<option value=${c.value} defaultSelected=${initial.includes(c.value)}>${c.label}</option>`;
    const groups = [...new Set(choices.map((c) => c.group))];
    const onSelect = live ? (/** @type {any} */ e) => act(e.currentTarget.value || null, e.currentTarget.selectedOptions?.[0]?.textContent) : undefined;
    return html`<select class="bk-select" ...${common} multiple=${multiple} size=${multiple ? Math.min(6, Math.max(3, choices.length)) : undefined} onChange=${onSelect}>
      ${multiple ? null : html`<option value="" disabled defaultSelected=${initial.length === 0}>${placeholder ?? 'Select an item'}</option>`}
      ${groups.map((g) => (g === undefined ? choices.map(option) : html`<optgroup label=${g}>${choices.filter((c) => c.group === g).map(option)}</optgroup>`))}
    </select>`;
  }
  if (type === 'radio_buttons' || type === 'checkboxes') {
    const radio = type === 'radio_buttons';
    const initial = radio ? (el.initial_option ? [choice(el.initial_option).value] : []) : (el.initial_options ?? []).map((/** @type {Json} */ o) => choice(o).value);
    const onPick = field
      ? undefined
      : (/** @type {any} */ e) => {
          const values = Array.from(e.currentTarget.closest('.bk-choices')?.querySelectorAll('input:checked') ?? [], (/** @type {any} */ i) => i.value);
          ctx.onAction?.({ blockId, actionId, type, selectedValue: radio ? (values[0] ?? null) : null, selectedValues: values });
        };
    return html`<div class="bk-choices" role=${radio ? 'radiogroup' : 'group'} id=${field?.domId} aria-labelledby=${field ? `${field.domId}-label` : undefined}>
      ${(el.options ?? []).map((/** @type {Json} */ o) => html`<label class="bk-choice">
        <input type=${radio ? 'radio' : 'checkbox'} name=${name} value=${choice(o).value} defaultChecked=${initial.includes(choice(o).value)} required=${radio && field?.required} onChange=${onPick} />
        <span class="bk-choice-text">${renderText(o.text, ctx)}${o.description ? html`<span class="bk-choice-description">${renderText(o.description, ctx)}</span>` : null}</span>
      </label>`)}
    </div>`;
  }
  if (type === 'plain_text_input' || type === 'rich_text_input') {
    // rich_text_input is edited as plain text here; its initial value is flattened to words.
    const initial = type === 'rich_text_input' ? richWords(el.initial_value) : el.initial_value;
    const limits = { placeholder, minlength: el.min_length, maxlength: el.max_length };
    return el.multiline || type === 'rich_text_input'
      ? html`<textarea class="bk-textarea" ...${common} ...${limits} rows="4" defaultValue=${initial ?? ''} onChange=${onChange}></textarea>`
      : html`<input class="bk-text" type="text" ...${common} ...${limits} defaultValue=${initial ?? ''} onChange=${onChange} />`;
  }
  if (type === 'number_input') {
    const step = el.is_decimal_allowed ? 'any' : '1';
    return html`<input class="bk-text" type="number" ...${common} step=${step} min=${el.min_value} max=${el.max_value} placeholder=${placeholder} defaultValue=${el.initial_value ?? ''} onChange=${onChange} />`;
  }
  if (type === 'datetimepicker') {
    const tz = ctx.tz ?? 'UTC';
    const initial = typeof el.initial_date_time === 'number' ? secondsToZoned(el.initial_date_time, tz) : '';
    return html`<input class="bk-text" type="datetime-local" ...${common} data-tz=${tz} defaultValue=${initial} onChange=${live ? (/** @type {any} */ e) => act(zonedToSeconds(e.currentTarget.value, tz)) : undefined} />`;
  }
  if (Object.hasOwn(INPUT_TYPES, type)) {
    const initial = el.initial_value ?? el.initial_date ?? el.initial_time ?? '';
    return html`<input class="bk-text" type=${INPUT_TYPES[type]} ...${common} placeholder=${placeholder} defaultValue=${initial} onChange=${onChange} />`;
  }
  return unsupported('element', el, ctx);
}

/**
 * A button sends its action on click; `confirm` (Slack's "Are you sure?") is passed on for the
 * page to ask, and a `url` button also opens its link.
 * @param {Json} el @param {string} blockId @param {Ctx} ctx
 */
function button(el, blockId, ctx) {
  const label = plainText(el.text);
  const style = el.style === 'primary' || el.style === 'danger' ? ` bk-button--${el.style}` : '';
  const onClick = () => ctx.onAction?.({ blockId, actionId: String(el.action_id ?? ''), type: 'button', value: el.value, label, confirm: el.confirm });
  const href = typeof el.url === 'string' ? safeHref(el.url) : null;
  return href
    ? ctx.html`<a class=${`bk-button${style}`} href=${href} target="_blank" rel="noopener noreferrer" onClick=${onClick}>${label}</a>`
    : ctx.html`<button type="button" class=${`bk-button${style}`} onClick=${onClick}>${label}</button>`;
}

/**
 * The "⋯" menu: a select, so it needs no open/closed state and works from the keyboard; it goes
 * back to "⋯" after each pick. Its `confirm` (one for every option, as in Slack) is passed on like a button's.
 * @param {Json} el @param {string} blockId @param {Ctx} ctx
 */
function overflow(el, blockId, ctx) {
  const options = (el.options ?? []).map(choice);
  const onChange = (/** @type {any} */ e) => {
    const picked = options.find((/** @type {Choice} */ o) => o.value === e.currentTarget.value);
    e.currentTarget.value = '';
    if (picked) ctx.onAction?.({ blockId, actionId: String(el.action_id ?? ''), type: 'overflow', selectedValue: picked.value, label: picked.label, confirm: el.confirm });
  };
  return ctx.html`<select class="bk-overflow" aria-label="More actions" onChange=${onChange}>
    <option value="" defaultSelected>⋯</option>
    ${options.map((/** @type {Choice} */ o) => ctx.html`<option value=${o.value}>${o.label}</option>`)}
  </select>`;
}

// ---- date and time ----

/** @param {number} t epoch ms @param {string} tz @returns {Record<string, number>} the wall clock in tz */
function wallClock(t, tz) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(t));
  return Object.fromEntries(parts.filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]));
}

/**
 * Unix seconds as a datetime-local value (YYYY-MM-DDTHH:MM) in the viewer's zone.
 * @param {number} seconds @param {string} tz
 */
export function secondsToZoned(seconds, tz) {
  const w = wallClock(seconds * 1000, tz);
  const two = (/** @type {number | undefined} */ n) => String(n ?? 0).padStart(2, '0');
  return `${w.year}-${two(w.month)}-${two(w.day)}T${two(w.hour)}:${two(w.minute)}`;
}

/**
 * A datetime-local value read as a wall-clock time in `tz`, to Unix seconds (as text, as the form
 * sends values); the zone's offset is found by asking Intl twice, which settles across a change.
 * @param {string} local @param {string} tz
 */
export function zonedToSeconds(local, tz) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let t = wall;
  for (let i = 0; i < 2; i++) {
    const w = wallClock(t, tz);
    const offset = Date.UTC(w.year ?? 0, (w.month ?? 1) - 1, w.day, w.hour, w.minute, w.second) - Math.floor(t / 1000) * 1000;
    t = wall - offset;
  }
  return String(Math.floor(t / 1000));
}

// ---- input blocks --------------------------------------------------------------------------

/**
 * Label, control, the app's validation error in red under it (ctx.errors, keyed by block_id, as
 * a view_submission's `response_action: errors` gives them), then the hint.
 * @param {Json} b @param {string} id @param {Ctx} ctx
 */
function input(b, id, ctx) {
  const { html } = ctx;
  const error = ctx.errors?.[id];
  const domId = `bk-${id}-${b.element?.action_id ?? ''}`.replace(/[^\w-]/g, '_');
  const el = b.element ?? {};
  return html`<div class=${`bk-input${error ? ' bk-input--error' : ''}`}>
    <label class="bk-input-label" id=${`${domId}-label`} for=${domId}>${plainText(b.label)}${b.optional ? html` <span class="bk-optional">(optional)</span>` : null}</label>
    ${element(el, id, ctx, { domId, required: !b.optional, invalid: Boolean(error), dispatch: b.dispatch_action === true })}
    ${error ? html`<div class="bk-error" role="alert">${error}</div>` : null}
    ${b.hint ? html`<div class="bk-hint">${plainText(b.hint)}</div>` : null}
  </div>`;
}

// ---- rich text -----------------------------------------------------------------------------

/** @param {Json} el @param {Ctx} ctx */
function richBlock(el, ctx) {
  const { html } = ctx;
  const inline = (/** @type {Json} */ x) => (x.elements ?? []).map((/** @type {Json} */ e) => richInline(e, ctx));
  switch (el?.type) {
    case 'rich_text_section':
      return html`<div class="bk-rt-section">${inline(el)}</div>`;
    case 'rich_text_preformatted':
      return html`<pre class="md-pre">${inline(el)}</pre>`;
    case 'rich_text_quote':
      return html`<blockquote class="md-quote">${inline(el)}</blockquote>`;
    case 'rich_text_list': {
      const items = (el.elements ?? []).map((/** @type {Json} */ s) => html`<li>${inline(s)}</li>`);
      const cls = `bk-rt-list md-indent-${Math.min(4, Number(el.indent) || 0)}`;
      return el.style === 'ordered' ? html`<ol class=${cls} start=${el.offset ? el.offset + 1 : undefined}>${items}</ol>` : html`<ul class=${cls}>${items}</ul>`;
    }
    default:
      return unsupported('element', el, ctx);
  }
}

/**
 * One run of rich text: its words with their styles. rich_text carries literal text (no
 * entities, no mrkdwn), so nothing is parsed here.
 * @param {Json} e @param {Ctx} ctx
 */
function richInline(e, ctx) {
  const { html } = ctx;
  /** @param {unknown} node */
  const styled = (node) => {
    const s = e.style ?? {};
    if (s.code) node = html`<code class="md-code">${node}</code>`;
    if (s.strike) node = html`<s>${node}</s>`;
    if (s.italic) node = html`<em>${node}</em>`;
    if (s.bold) node = html`<strong>${node}</strong>`;
    return node;
  };
  const mention = (/** @type {string} */ text, /** @type {string} */ kind) => html`<span class=${`md-mention md-mention--${kind}`}>${text}</span>`;
  const find = (/** @type {readonly {id: string, name: string}[] | undefined} */ list, /** @type {string} */ id) => list?.find((x) => x.id === id)?.name ?? id;
  switch (e?.type) {
    case 'text':
      return styled(String(e.text ?? ''));
    case 'link': {
      const href = safeHref(String(e.url ?? ''));
      const text = String(e.text || e.url || '');
      return styled(href ? html`<a class="md-link" href=${href} target="_blank" rel="noopener noreferrer">${text}</a>` : text);
    }
    case 'user':
      return mention(`@${find(ctx.users, String(e.user_id))}`, 'user');
    case 'channel':
      return mention(`#${find(ctx.channels, String(e.channel_id))}`, 'channel');
    case 'usergroup':
      return mention(`@${e.usergroup_id}`, 'group');
    case 'broadcast':
      return mention(`@${e.range}`, 'broadcast');
    case 'emoji':
      return html`<span class="md-emoji" title=${`:${e.name}:`}>${fromUnicode(e.unicode) ?? emojify(`:${e.name}:`)}</span>`;
    case 'date':
      return html`<time class="md-date">${formatSlackDate(Number(e.timestamp), String(e.format ?? '{date_short}'), ctx) ?? String(e.fallback ?? '')}</time>`;
    default:
      return unsupported('element', e, ctx);
  }
}

/** rich_text's emoji code points, `1f44d` or `1f469-200d-1f4bb`; null when not hex. @param {unknown} hex */
function fromUnicode(hex) {
  const points = typeof hex === 'string' && /^[0-9a-f]{1,6}(-[0-9a-f]{1,6})*$/i.test(hex) ? hex.split('-').map((h) => parseInt(h, 16)) : [];
  return points.length && points.every((p) => p <= 0x10ffff) ? String.fromCodePoint(...points) : null;
}

/** The words of a rich_text object, for a plain textarea. @param {Json | undefined} rt @returns {string} */
function richWords(rt) {
  if (!rt || typeof rt !== 'object') return '';
  if (typeof rt.text === 'string') return rt.text;
  const sep = rt.type === 'rich_text' || rt.type === 'rich_text_list' ? '\n' : '';
  return (rt.elements ?? []).map(richWords).join(sep);
}
