// @ts-check
// The panes of the sandbox page: a channel (messages and their ephemerals, composer), a thread,
// App Home and a modal. Block Kit and mrkdwn are drawn by blocks.js and mrkdwn.js.
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import { readValues, renderBlocks } from './blocks.js';
import { ChartFile } from './chart.js';
import { plainText, renderMrkdwn } from './mrkdwn.js';

const html = htm.bind(h);

/**
 * What blocks.js and mrkdwn.js need to draw for this viewer: names for mentions, the viewer's time
 * zone for dates, and where a click on this surface goes.
 */
function drawing(ctx, surface, errors) {
  const { state, me } = ctx;
  return {
    html,
    users: [...state.people, { id: state.app.userId, name: state.app.name }],
    channels: state.channels,
    tz: me.tz,
    now: () => new Date(),
    errors,
    fileUrl: (id) => `/files/${id}`,
    onAction: (a) => {
      // A button with a confirm dialog asks first, as Slack does.
      if (a.confirm && !window.confirm([plainText(a.confirm.title), plainText(a.confirm.text)].filter(Boolean).join('\n\n'))) return;
      ctx.act('/sandbox/act', { surface, blockId: a.blockId, actionId: a.actionId, selectedValue: a.selectedValue }).catch(() => {});
    },
  };
}

const timeOf = (ts, tz) => new Intl.DateTimeFormat(undefined, { timeZone: tz, hour: '2-digit', minute: '2-digit' }).format(new Date(Number(ts) * 1000));

function Message({ ctx, message, surface, ephemeral, onReply, highlight, onDismiss }) {
  const { state } = ctx;
  const author = message.fromApp || ephemeral ? state.app.name : (state.people.find((p) => p.id === message.user)?.name ?? message.user);
  const d = drawing(ctx, surface);
  const ref = useRef(/** @type {HTMLElement | null} */ (null));
  useEffect(() => {
    if (highlight) ref.current?.scrollIntoView({ block: 'center' });
  }, [highlight]);
  return html`
    <article ref=${ref} class=${'message' + (ephemeral ? ' ephemeral' : '') + (highlight ? ' highlight' : '')} data-ts=${message.ts} data-author=${author}>
      <div class=${'avatar' + (message.fromApp || ephemeral ? ' app' : '')}>${author.slice(0, 1)}</div>
      <div class="message-body">
        <div class="meta">
          <strong>${author}</strong>${(message.fromApp || ephemeral) && html`<span class="badge">APP</span>`}
          <time>${timeOf(message.ts, ctx.me.tz)}</time>
          ${ephemeral && html`<span class="only-you">Only visible to you</span>`}
        </div>
        ${message.blocks?.length ? renderBlocks(message.blocks, d) : html`<div class="mrkdwn">${renderMrkdwn(message.text, d)}</div>`}
        ${(message.files ?? []).map((f) =>
          f.spec ? html`<${ChartFile} key=${f.id} file=${f} />`
          : /\.(png|svg)$/.test(f.name) ? html`<figure class="file"><img src=${f.url} alt=${f.title || f.name} /><figcaption>${f.title || f.name}</figcaption></figure>`
          : html`<a class="file" href=${f.url}>${f.name}</a>`)}
        ${message.edited && html`<span class="edited">(edited)</span>`}
        <div class="message-actions">
          ${onReply && message.replyCount > 0 && html`<button class="link replies" onClick=${onReply}>${message.replyCount} ${message.replyCount === 1 ? 'reply' : 'replies'}</button>`}
          ${onReply && message.replyCount === 0 && html`<button class="link reply" onClick=${onReply}>Reply in thread</button>`}
          ${onDismiss && html`<button class="link" onClick=${onDismiss}>Dismiss</button>`}
        </div>
      </div>
    </article>
  `;
}

/** Messages and this person's ephemerals, in time order, as Slack interleaves them. */
function Timeline({ ctx, messages, ephemerals, onReply, highlight }) {
  const [dismissed, setDismissed] = useState(() => new Set());
  const items = [...messages.map((m) => ({ m, e: false })), ...ephemerals.filter((e) => !dismissed.has(e.id)).map((m) => ({ m, e: true }))].sort((a, b) => Number(a.m.ts) - Number(b.m.ts));
  return items.map(({ m, e }) =>
    e
      ? html`<${Message} key=${m.id} ctx=${ctx} message=${m} ephemeral=${true} surface=${{ kind: 'ephemeral', id: m.id }} onDismiss=${() => setDismissed(new Set([...dismissed, m.id]))} />`
      : html`<${Message} key=${m.ts} ctx=${ctx} message=${m} surface=${{ kind: 'message', channel: m.channel, ts: m.ts }} onReply=${onReply && (() => onReply(m))} highlight=${highlight === m.ts} />`,
  );
}

/** `@Dana` typed in the composer becomes `<@U0DANA>`, as Slack's own composer turns a picked name into a mention. */
function withMentions(text, people) {
  return text.replace(/(^|[\s(,])@([A-Za-z][\w.-]*)/g, (all, before, name) => {
    const person = people.find((p) => p.name.toLowerCase() === name.toLowerCase());
    return person ? `${before}<@${person.id}>` : all;
  });
}

function Composer({ ctx, channelId, threadTs, placeholder }) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const send = async () => {
    if (!text.trim() || sending) return;
    setSending(true);
    try {
      await ctx.act('/sandbox/say', { channel: channelId, text: withMentions(text, ctx.state.people), ...(threadTs ? { threadTs } : {}) });
      setText('');
    } catch {
      /* shown by the notice */
    } finally {
      setSending(false);
    }
  };
  return html`
    <form class="composer" onSubmit=${(e) => (e.preventDefault(), send())}>
      <textarea rows="2" value=${text} placeholder=${placeholder} aria-label=${placeholder} onInput=${(e) => setText(e.currentTarget.value)}
        onKeyDown=${(e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); void send(); } }}></textarea>
      ${!threadTs && html`<button type="button" class="secondary" title="Shortcut: open a go/no-go vote" onClick=${() => ctx.act('/sandbox/shortcut', { callbackId: 'open_gate' }).catch(() => {})}>⚡ Open a gate</button>`}
      <button type="submit" disabled=${sending || !text.trim()}>Send</button>
    </form>
  `;
}

export function ChannelPane({ ctx, channelId, highlight }) {
  const { state } = ctx;
  const channel = state.channels.find((c) => c.id === channelId);
  const name = channelId === state.dm ? state.app.name : `#${channel?.name ?? channelId.toLowerCase()}`;
  const messages = state.messages.filter((m) => m.channel === channelId && (!m.threadTs || m.threadTs === m.ts));
  const ephemerals = state.ephemerals.filter((e) => e.channel === channelId && !e.threadTs);
  const list = useRef(/** @type {HTMLElement | null} */ (null));
  // Follow new messages, as Slack does, unless a permalink asked for an older one.
  useEffect(() => {
    if (!highlight && list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [messages.length, ephemerals.length, channelId]);
  const empty = state.messages.length === 0;
  return html`
    <section class="channel" aria-label=${name}>
      <header class="pane-header"><h1>${name}</h1><span class="topic">${channel?.topic ?? ''}</span></header>
      <div class="timeline" ref=${list}>
        ${empty && html`<div class="welcome"><h2>Welcome to the sandbox workspace</h2><p>Click <b>Load example</b> in the sidebar to see a project carried through design, development and deployment — or start your own: type <code>/mlops intake my-model</code> below and answer the questions in the thread.</p></div>`}
        <${Timeline} ctx=${ctx} messages=${messages} ephemerals=${ephemerals} highlight=${highlight} onReply=${(m) => ctx.openThread(m.channel, m.ts)} />
      </div>
      <${Composer} ctx=${ctx} channelId=${channelId} placeholder=${`Message ${name} — try /mlops help (@Name mentions a person)`} />
    </section>
  `;
}

export function ThreadPane({ ctx, channelId, rootTs, onClose }) {
  const { state } = ctx;
  const root = state.messages.find((m) => m.channel === channelId && m.ts === rootTs);
  const replies = state.messages.filter((m) => m.channel === channelId && m.threadTs === rootTs && m.ts !== rootTs);
  const ephemerals = state.ephemerals.filter((e) => e.channel === channelId && e.threadTs === rootTs);
  const list = useRef(/** @type {HTMLElement | null} */ (null));
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [replies.length, ephemerals.length, rootTs]);
  return html`
    <aside class="thread" aria-label="Thread">
      <header class="pane-header"><h2>Thread</h2><button class="link" onClick=${onClose} aria-label="Close thread">×</button></header>
      <div class="timeline" ref=${list}>
        ${root ? html`<${Timeline} ctx=${ctx} messages=${[root, ...replies]} ephemerals=${ephemerals} />` : html`<p class="hint">That message is gone.</p>`}
      </div>
      <${Composer} ctx=${ctx} channelId=${channelId} threadTs=${rootTs} placeholder="Reply…" />
    </aside>
  `;
}

export function HomePane({ ctx }) {
  const { state } = ctx;
  return html`
    <section class="home" aria-label="App Home">
      <header class="pane-header"><h1>MLOps Lifecycle</h1><span class="topic">Home</span>
        <button class="secondary" onClick=${() => ctx.act('/sandbox/home', {}).catch(() => {})}>Refresh</button></header>
      <div class="home-body">
        ${state.home ? renderBlocks(state.home.blocks ?? [], drawing(ctx, { kind: 'home' })) : html`<p class="hint">Opening your Home tab…</p>`}
      </div>
    </section>
  `;
}

export function ModalFrame({ ctx, modal }) {
  const { view, id } = modal;
  const [errors, setErrors] = useState(/** @type {Record<string, string>} */ ({}));
  const [submitting, setSubmitting] = useState(false);
  const form = useRef(/** @type {HTMLFormElement | null} */ (null));
  useEffect(() => setErrors({}), [id]);
  const close = () => ctx.act('/sandbox/close', { viewId: id }).catch(() => {});
  const submit = async (e) => {
    e.preventDefault();
    if (!form.current) return;
    setSubmitting(true);
    try {
      const answer = await ctx.act('/sandbox/submit', { viewId: id, values: readValues(form.current) });
      setErrors(answer.errors ?? {});
    } catch {
      /* shown by the notice */
    } finally {
      setSubmitting(false);
    }
  };
  const d = drawing(ctx, { kind: 'modal', viewId: id }, errors);
  return html`
    <div class="modal-backdrop">
      <form class="modal" role="dialog" aria-modal="true" aria-label=${plainText(view.title)} ref=${form} onSubmit=${submit}>
        <header><h2>${plainText(view.title)}</h2><button type="button" class="link" onClick=${close} aria-label="Close">×</button></header>
        <div class="modal-body">${renderBlocks(view.blocks ?? [], d)}</div>
        <footer>
          <button type="button" class="secondary" onClick=${close}>${view.close ? plainText(view.close) : 'Cancel'}</button>
          ${view.submit && html`<button type="submit" disabled=${submitting}>${plainText(view.submit)}</button>`}
        </footer>
      </form>
    </div>
  `;
}
