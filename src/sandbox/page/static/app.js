// @ts-check
// The sandbox page's shell: who you act as, the sidebar, the open channel or App Home, the thread
// pane and the modal. Everything it shows comes from the emulator (GET /sandbox/state); everything
// a person does goes back as the request Slack would send (POST /sandbox/…). A server-sent
// `changed` event refetches the state, so posts, edits and Home updates appear without reloading.
import { h, render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import { ChannelPane, HomePane, ModalFrame, ThreadPane } from './views.js';

const html = htm.bind(h);

/** POSTs what a person did; resolves with the answer, rejects with a message a person can read. */
async function post(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json().catch(() => ({ ok: false, error: `HTTP ${res.status}` }));
  if (!res.ok || !json.ok) throw new Error(json.error || `HTTP ${res.status}`);
  return json;
}

/** `#C0FRAUD` opens a channel, `#C0FRAUD/1700000000.000100` a message in it (permalinks land here), `#home` App Home. */
function placeFromHash() {
  const m = /^#(home|[CDG][A-Z0-9]+)(?:\/(\d+\.\d{6}))?$/.exec(location.hash);
  if (!m) return { kind: 'channel', id: 'C0GENERAL' };
  return m[1] === 'home' ? { kind: 'home' } : { kind: 'channel', id: m[1], ts: m[2] };
}

function App() {
  const [as, setAs] = useState(() => localStorage.getItem('sandbox.as') || 'U0ADA');
  const [state, setState] = useState(/** @type {any} */ (null));
  const [place, setPlace] = useState(placeFromHash);
  const [thread, setThread] = useState(/** @type {{channel: string, ts: string} | null} */ (null));
  const [notice, setNotice] = useState(/** @type {{kind: 'error' | 'info', text: string} | null} */ (null));
  const [loadingExample, setLoadingExample] = useState(false);
  const latest = useRef(0);

  // Only the newest answer is applied: a slow older fetch must not overwrite a newer state.
  const refresh = useCallback(async () => {
    const seq = ++latest.current;
    const res = await fetch(`/sandbox/state?as=${encodeURIComponent(as)}`);
    if (res.ok && seq === latest.current) setState(await res.json());
  }, [as]);

  useEffect(() => {
    void refresh();
    const events = new EventSource('/sandbox/events');
    events.addEventListener('changed', () => void refresh());
    return () => events.close();
  }, [refresh]);

  useEffect(() => {
    const onHash = () => setPlace(placeFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  // A Slack permalink in a message (slack.com/archives/<channel>/p<ts>, or the emulator's own from
  // chat.getPermalink) opens that message here instead of leaving for Slack.
  useEffect(() => {
    const onClick = (e) => {
      const link = e.target instanceof Element ? e.target.closest('a[href]') : null;
      const m = link && /\/archives\/([CDG][A-Z0-9]+)\/p(\d{10})(\d{6})$/.exec(link.getAttribute('href') || '');
      if (!m) return;
      e.preventDefault();
      location.hash = `#${m[1]}/${m[2]}.${m[3]}`;
    };
    document.addEventListener('click', onClick);
    return () => document.removeEventListener('click', onClick);
  }, []);

  // Opening App Home is an event to the app (app_home_opened), as in Slack: it publishes the tab.
  useEffect(() => {
    if (place.kind === 'home') post('/sandbox/home', { as }).catch((err) => setNotice({ kind: 'error', text: err.message }));
  }, [place.kind, as]);

  // A permalink to a reply opens its thread.
  useEffect(() => {
    if (place.kind !== 'channel' || !place.ts || !state) return;
    const target = state.messages.find((m) => m.channel === place.id && m.ts === place.ts);
    if (target?.threadTs && target.threadTs !== target.ts) setThread({ channel: place.id, ts: target.threadTs });
  }, [place, state]);

  const act = useCallback(
    (/** @type {string} */ path, /** @type {object} */ body) => post(path, { as, ...body }).catch((err) => {
      setNotice({ kind: 'error', text: err.message });
      throw err;
    }),
    [as],
  );

  if (!state) return html`<p class="loading">Loading the sandbox workspace…</p>`;
  const me = state.people.find((p) => p.id === as) ?? state.people[0];
  const go = (/** @type {string} */ hash) => (location.hash = hash);
  const chooseAs = (/** @type {string} */ id) => {
    localStorage.setItem('sandbox.as', id);
    setAs(id);
  };
  const loadExample = async () => {
    setLoadingExample(true);
    setNotice({ kind: 'info', text: 'Loading the example project: an intake, a dozen runs, a gate, a check-in and a drift alert, each through the app as a team would… (about half a minute)' });
    try {
      const made = await post('/sandbox/example', {});
      setNotice({ kind: 'info', text: `Example project ${made.slug} is ready in this channel. Act as Chen, Dana or Emil to vote on its gate.` });
      go(`#${made.channel}`);
    } catch (err) {
      setNotice({ kind: 'error', text: err.message });
    } finally {
      setLoadingExample(false);
    }
  };
  const ctx = { state, me, act, openThread: (channel, ts) => setThread({ channel, ts }), go };

  return html`
    <div class="workspace">
      <nav class="sidebar">
        <div class="team">${state.team.name} <span class="badge">sandbox</span></div>
        <label class="act-as">Acting as
          <select value=${as} onChange=${(e) => chooseAs(e.currentTarget.value)} aria-label="Acting as">
            ${state.people.map((p) => html`<option value=${p.id}>${p.name} — ${p.role}</option>`)}
          </select>
          <small>${me.tz}</small>
        </label>
        <a class=${'nav-item' + (place.kind === 'home' ? ' active' : '')} href="#home">🏠 Home <small>(MLOps Lifecycle)</small></a>
        <div class="nav-heading">Channels</div>
        ${state.channels.map((c) => html`<a class=${'nav-item' + (place.kind === 'channel' && place.id === c.id ? ' active' : '')} href=${'#' + c.id}># ${c.name}</a>`)}
        <div class="nav-heading">Direct messages</div>
        <a class=${'nav-item' + (place.kind === 'channel' && place.id === state.dm ? ' active' : '')} href=${'#' + state.dm}>MLOps Lifecycle</a>
        <button class="load-example" disabled=${loadingExample} onClick=${loadExample}>${loadingExample ? 'Loading example…' : 'Load example'}</button>
        <p class="hint">Type <code>/mlops help</code> in a channel. Switch “Acting as” to vote as another stakeholder.</p>
      </nav>
      <main class="main">
        ${notice && html`<div class=${'notice ' + notice.kind} role=${notice.kind === 'error' ? 'alert' : 'status'}>${notice.text}<button class="link" onClick=${() => setNotice(null)} aria-label="Dismiss">×</button></div>`}
        ${place.kind === 'home' ? html`<${HomePane} ctx=${ctx} />` : html`<${ChannelPane} ctx=${ctx} channelId=${place.id} highlight=${place.ts} />`}
      </main>
      ${thread && place.kind === 'channel' && html`<${ThreadPane} ctx=${ctx} channelId=${thread.channel} rootTs=${thread.ts} onClose=${() => setThread(null)} />`}
      ${state.modal && html`<${ModalFrame} ctx=${ctx} modal=${state.modal} />`}
    </div>
  `;
}

render(html`<${App} />`, /** @type {HTMLElement} */ (document.getElementById('root')));
