import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/clock.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { serveSandboxPage } from '../../src/sandbox/page/server.js';
import { fullSpec, svgToPng } from '../../src/charts/render.js';
import { renderRunsCompared, runsComparedSpec } from '../../src/charts/runs-compared.js';
import { eq } from 'drizzle-orm';
import { createProject } from '../../src/db/repositories/projects.js';
import { gates } from '../../src/db/schema/index.js';

// The page's HTTP side: what each person is shown, what a click becomes, and what bad input gets.
describe('sandbox page server', () => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await bootApp('pglite');
    serveSandboxPage({ api: h.slack, people: h.people });
    base = h.slack.url;
  });
  afterAll(async () => h?.close());

  const post = async (path: string, body: unknown) => {
    const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as { ok: boolean; error?: string; errors?: Record<string, string> } };
  };
  const stateOf = async (as: string) => (await (await fetch(`${base}/sandbox/state?as=${as}`)).json()) as {
    messages: { channel: string; text: string; ts: string }[];
    ephemerals: { text: string }[];
    modal: { id: string } | null;
  };

  it('serves the page, its modules and preact from node_modules; nothing outside the list', async () => {
    const page = await fetch(base + '/');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/static/app.js');
    for (const path of ['/static/app.js', '/static/views.js', '/static/blocks.js', '/static/mrkdwn.js', '/vendor/preact.mjs', '/vendor/hooks.mjs', '/vendor/htm.mjs']) {
      const res = await fetch(base + path);
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 200, 'text/javascript; charset=utf-8']);
    }
    for (const path of ['/static/../server.ts', '/static/%2e%2e/server.ts', '/static/index.ts', '/vendor/pg', '/static/constructor', '/vendor/toString']) expect([path, (await fetch(base + path)).status]).toEqual([path, 404]);
  });

  it('a typed /mlops line is the slash command: its reply is ephemeral, shown only to the person who typed it', async () => {
    expect(await post('/sandbox/say', { as: 'U0ADA', channel: 'C0GENERAL', text: '/mlops help' })).toEqual({ status: 200, json: { ok: true } });
    expect((await stateOf('U0ADA')).ephemerals.map((e) => e.text).join('\n')).toContain('/mlops');
    expect((await stateOf('U0BEN')).ephemerals).toEqual([]);
  });

  it('a plain line is a message from that person, delivered to the app as an event', async () => {
    await post('/sandbox/say', { as: 'U0BEN', channel: 'C0GENERAL', text: 'hello <b>team</b>' });
    const seen = (await stateOf('U0ADA')).messages.find((m) => m.text === 'hello <b>team</b>');
    expect(seen).toMatchObject({ channel: 'C0GENERAL' });
  });

  it('refuses bad input with a 400 naming the field, and does nothing', async () => {
    const before = h.slack.store.messages.length;
    expect(await post('/sandbox/say', { as: 'U0NOBODY', channel: 'C0GENERAL', text: 'hi' })).toMatchObject({ status: 400, json: { ok: false, error: expect.stringContaining('as:') } });
    expect(await post('/sandbox/say', { as: 'U0ADA', channel: 'general', text: 'hi' })).toMatchObject({ status: 400, json: { error: expect.stringContaining('channel:') } });
    expect(await post('/sandbox/say', { as: 'U0ADA', channel: 'C0GENERAL', text: '   ' })).toMatchObject({ status: 400, json: { error: expect.stringContaining('type something first') } });
    expect(await post('/sandbox/say', '{not json')).toMatchObject({ status: 400, json: { error: 'the body is not JSON' } });
    expect(await post('/sandbox/act', { as: 'U0ADA', surface: { kind: 'message', channel: 'C0GENERAL', ts: '1.000001' }, blockId: 'b', actionId: 'a' })).toMatchObject({ status: 404 });
    expect(await post('/sandbox/act', { as: 'U0ADA', surface: { kind: 'elsewhere' }, blockId: 'b', actionId: 'a' })).toMatchObject({ status: 400, json: { error: expect.stringContaining('surface') } });
    expect(await post('/sandbox/submit', { as: 'U0ADA', viewId: 'VNONE', values: {} })).toMatchObject({ status: 404, json: { error: 'that modal is closed' } });
    await post('/sandbox/say', { as: 'U0ADA', channel: 'C0GENERAL', text: 'a message without buttons' });
    const plain = h.slack.store.messages.at(-1)!;
    expect(await post('/sandbox/act', { as: 'U0ADA', surface: { kind: 'message', channel: plain.channel, ts: plain.ts }, blockId: 'b', actionId: 'a' })).toMatchObject({ status: 404, json: { error: 'no element a in block b' } });
    expect((await fetch(`${base}/sandbox/state?as=U0NOBODY`)).status).toBe(400);
    expect(h.slack.store.messages.length).toBe(before + 1);
  });

  it('the ⚡ shortcut opens the gate form for that person, who fills it in and opens the gate', async () => {
    const p = (await createProject(h.database.db, { teamId: h.slack.teamId, slug: 'page-gate', channelId: 'C0GENERAL', ownerId: 'U0ADA', now: h.clock.now(), brief: { stakeholders: ['U0BEN'] } }))!;
    expect(await post('/sandbox/shortcut', { as: 'U0ADA', callbackId: 'open_gate' })).toEqual({ status: 200, json: { ok: true } });
    const modal = await waitFor(async () => (await stateOf('U0ADA')).modal ?? undefined, 'the gate form');
    expect(await post('/sandbox/shortcut', { as: 'U0ADA', callbackId: 'no spaces' })).toMatchObject({ status: 400, json: { error: expect.stringContaining('callbackId') } });
    // What the page's form sends: the picked project, and the deadline as Unix seconds (readValues).
    const deadline = String(Math.floor(h.clock.now().getTime() / 1000) + 86_400);
    const submitted = await post('/sandbox/submit', { as: 'U0ADA', viewId: modal.id, values: { gate_project: { 'gate.form.project': String(p.id) }, gate_deadline: { deadline } } });
    expect(submitted).toEqual({ status: 200, json: { ok: true } });
    const [gate] = await h.database.db.select().from(gates).where(eq(gates.projectId, p.id));
    expect(gate).toMatchObject({ openedBy: 'U0ADA', voters: ['U0BEN'] });
    expect(gate!.deadline.getTime() / 1000).toBe(Number(deadline));
  });

  it('acts only for the page itself: a JSON body, from its own origin', async () => {
    const before = h.slack.store.messages.length;
    const body = JSON.stringify({ as: 'U0ADA', channel: 'C0GENERAL', text: 'forged' });
    const asForm = await fetch(base + '/sandbox/say', { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    expect(asForm.status).toBe(415);
    const elsewhere = await fetch(base + '/sandbox/say', { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body });
    expect([elsewhere.status, await elsewhere.json()]).toEqual([403, { ok: false, error: 'requests from another site are refused' }]);
    expect(h.slack.store.messages.length).toBe(before);
    const own = await fetch(base + '/sandbox/say', { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body });
    expect(own.status).toBe(200);
  });

  it('sends a server-sent "changed" event after something changes', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/sandbox/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    let seen = '';
    const read = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen += new TextDecoder().decode(value);
      }
    })().catch(() => {});
    await waitFor(() => seen.includes('event: changed'), 'the first event');
    const first = seen.length;
    await post('/sandbox/say', { as: 'U0CHEN', channel: 'C0CHURN', text: 'anyone?' });
    await waitFor(() => seen.slice(first).includes('event: changed'), 'an event after a message');
    controller.abort();
    await read;
    // The stream's listener goes with it (a page reloaded all day leaves nothing behind).
    await waitFor(() => h.slack.store.subscribers === 0, 'the event stream to unsubscribe');
  });

  it('serves Vega’s browser bundles and the chart module, and hands out the spec a chart’s PNG carries', async () => {
    for (const path of ['/vendor/vega.min.js', '/vendor/vega-lite.min.js', '/static/chart.js']) {
      const res = await fetch(base + path);
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 200, 'text/javascript; charset=utf-8']);
    }
    expect(await (await fetch(base + '/vendor/vega-lite.min.js')).text()).toMatch(/vegaLite/);
    for (const path of ['/vendor/vega.js', '/vendor/vega-core.min.js', '/vendor/vega-schema.json']) expect([path, (await fetch(base + path)).status]).toEqual([path, 404]);

    const input = { title: 'churn: top 2 runs', metrics: [{ name: 'auc', direction: 'maximize' as const, target: 0.85 }], runs: [{ label: 'rf-<b>', values: { auc: 0.9 } }, { label: 'rf-2', values: { auc: 0.8 } }] };
    const chart = await renderRunsCompared(input);
    const plain = await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>');
    h.slack.store.files.set('FCHART1', { id: 'FCHART1', filename: 'chart.png', title: 'chart', bytes: chart });
    h.slack.store.files.set('FPLAIN1', { id: 'FPLAIN1', filename: 'photo.png', title: 'photo', bytes: plain });
    h.slack.addMessage({ channel: 'C0CHURN', botId: h.slack.botId, user: h.slack.botUserId, text: '', files: [h.slack.store.files.get('FCHART1')!, h.slack.store.files.get('FPLAIN1')!] });

    const files = ((await stateOf('U0ADA')) as unknown as { messages: { files: { id: string; url: string; spec?: string }[] }[] }).messages.flatMap((m) => m.files);
    expect(files).toEqual(expect.arrayContaining([
      { id: 'FCHART1', name: 'chart.png', title: 'chart', url: '/files/FCHART1', spec: '/files/FCHART1/spec.json' },
      { id: 'FPLAIN1', name: 'photo.png', title: 'photo', url: '/files/FPLAIN1' },
    ]));
    const spec = await fetch(base + '/files/FCHART1/spec.json');
    expect([spec.status, spec.headers.get('content-type')]).toEqual([200, 'application/json; charset=utf-8']);
    expect(await spec.json()).toEqual(JSON.parse(JSON.stringify(fullSpec(runsComparedSpec(input)))));
    for (const path of ['/files/FPLAIN1/spec.json', '/files/FNONE/spec.json', '/files/FCHART1/spec.json/x']) expect([path, (await fetch(base + path)).status]).toEqual([path, 404]);
    // The PNG itself is served as it was uploaded, spec chunk and all.
    expect(Buffer.from(await (await fetch(base + '/files/FCHART1')).arrayBuffer()).equals(chart)).toBe(true);
  });

  it('a permalink opens the page at that message', async () => {
    const res = await fetch(`${base}/archives/C0FRAUD/p1700000000000100`, { redirect: 'manual' });
    expect([res.status, res.headers.get('location')]).toEqual([302, '/#C0FRAUD/1700000000.000100']);
  });
});
