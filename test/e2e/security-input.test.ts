import { brotliCompressSync, gzipSync } from 'node:zlib';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, outbox, projects, runs } from '../../src/db/schema/index.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { capturingLogger, rawRequest, signedHeaders, signedPayload } from '../helpers/raw-http.js';
import { api, projectWithTargets, tokenFor } from '../helpers/runs.js';

const CHANNEL = 'C0CHURN';
const OWNER = 'U0OWNER';
const MB = 1024 * 1024;

describe.each(databaseKinds())('hostile and malformed input gets a 4xx, never a 500 or a crash (%s)', (kind) => {
  let h: Harness;
  let call: ReturnType<typeof api>;
  let token: string;
  let churnId: number;
  const log = capturingLogger();

  const counts = async () => {
    const n = async (t: typeof runs | typeof auditLog | typeof outbox) => Number((await h.database.db.select({ n: count() }).from(t))[0]!.n);
    return { runs: await n(runs), audit: await n(auditLog), outbox: await n(outbox) };
  };
  const slack = (opts: { body?: Buffer | string; headers?: Record<string, string>; chunks?: { size: number; count: number } }) => rawRequest(h.app.url, { path: '/slack/events', ...opts });
  const alive = async () => expect((await fetch(`${h.app.url}/healthz`)).status).toBe(200);

  beforeAll(async () => {
    h = await bootApp(kind, { start: { log } });
    call = api(h);
    churnId = (await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'churn', channelId: CHANNEL, ownerId: OWNER, now: h.clock.now(), phase: 'development' })).id;
    token = (await tokenFor(h, OWNER, CHANNEL, 'churn')).token;
  });
  afterAll(async () => h?.close());

  describe('body size', () => {
    it('an unsigned 2 MB body with Content-Length gets 413 on /slack/events without being read', async () => {
      const res = await slack({ body: Buffer.alloc(2 * MB, 0x61), headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(413);
      expect(res.json).toMatchObject({ ok: false, error: 'body_too_large' });
      await alive();
    });

    it('a 5 MB body in chunks (no Content-Length) gets 413 once 1 MB has arrived; memory stays flat and the process answers', async () => {
      global.gc?.();
      const before = process.memoryUsage().rss;
      for (let i = 0; i < 3; i++) {
        const res = await slack({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, chunks: { size: 64 * 1024, count: 80 } });
        expect(res.status).toBe(413);
      }
      expect(process.memoryUsage().rss - before).toBeLessThan(50 * MB);
      await alive();
      // A normal request still works afterwards.
      expect((await h.people.command(OWNER, CHANNEL, 'help')).status).toBe(200);
    });

    it('the API caps bodies too, with a 413 JSON error naming the body', async () => {
      const res = await call('POST', '/projects/churn/runs', { token, rawBody: `{"metrics":{"auc":1},"note":"${'x'.repeat(3 * MB)}"}` });
      expect(res.status).toBe(413);
      expect(res.json).toMatchObject({ error: 'too_large', field: 'body' });
      await alive();
    });
  });

  describe('the API', () => {
    const post = (body: unknown, headers: Record<string, string> = {}) => call('POST', '/projects/churn/runs', { token, body, headers });

    it('refuses NUL characters in strings, naming the field, and writes and logs nothing of them', async () => {
      const before = await counts();
      for (const [body, field] of [
        [{ metrics: { auc: 0.9 }, name: 'a\u0000b' }, 'name'],
        [{ metrics: { auc: 0.9 }, note: 'fine\u0000\n[ERROR] forged line' }, 'note'],
        [{ metrics: { auc: 0.9 }, dataset: '\u0000' }, 'dataset'],
        [{ metrics: { auc: 0.9 }, params: { lr: 'x\u0000' } }, 'params.lr'],
        [{ metrics: { auc: '0.9\u0000' } }, 'metrics.auc'],
      ] as const) {
        const res = await post(body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.json).toMatchObject({ error: 'invalid_request', field });
      }
      expect(await counts()).toEqual(before);
      expect(log.lines.filter((l) => l.text.includes('\u0000') || l.text.includes('forged'))).toEqual([]);
    });

    it('refuses __proto__, constructor and prototype as param or metric names, by name', async () => {
      const before = await counts();
      const cases: [string, string][] = [
        ['{"metrics":{"auc":1},"params":{"__proto__":"x"}}', 'params.__proto__'],
        ['{"metrics":{"auc":1},"params":{"constructor":"x"}}', 'params.constructor'],
        ['{"metrics":{"auc":1},"params":{"prototype":1}}', 'params.prototype'],
        ['{"metrics":{"constructor":1}}', 'metrics.constructor'],
        ['{"metrics":{"auc":1,"__proto__":{"polluted":true}}}', 'metrics.__proto__'],
        ['{"metrics":{"auc":1},"__proto__":{"polluted":true}}', '__proto__'],
      ];
      for (const [rawBody, field] of cases) {
        const res = await call('POST', '/projects/churn/runs', { token, rawBody });
        expect(res.status, rawBody).toBe(400);
        expect(res.json.field, rawBody).toBe(field);
        expect(res.json.message).toMatch(/reserved|not allowed|Unrecognized/i);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(await counts()).toEqual(before);
    });

    it('refuses bidi controls and zero-width characters in run names, params, notes and datasets, naming the field', async () => {
      const before = await counts();
      for (const ch of ['\u200b', '\u200f', '\u202e', '\u2066', '\u2069', '\ufeff']) {
        for (const [body, field] of [
          [{ metrics: { auc: 0.9 }, name: `safe${ch}name` }, 'name'],
          [{ metrics: { auc: 0.9 }, note: `${ch}note` }, 'note'],
          [{ metrics: { auc: 0.9 }, dataset: `v3${ch}` }, 'dataset'],
          [{ metrics: { auc: 0.9 }, params: { opt: `ad${ch}am` } }, 'params.opt'],
        ] as const) {
          const res = await post(body);
          expect(res.status, JSON.stringify(body)).toBe(400);
          expect(res.json.field).toBe(field);
          expect(res.json.message).toContain(`U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
        }
      }
      expect(await counts()).toEqual(before);
    });

    it('corrupt gzip and br bodies are a 400; an unknown Content-Encoding is a 415; a good gzip body is accepted', async () => {
      const base = { path: '/api/v1/projects/churn/runs', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } };
      const good = Buffer.from('{"metrics":{"auc":0.5}}');
      const corruptGzip = gzipSync(good).subarray(0, 12);
      const corruptBr = Buffer.concat([brotliCompressSync(good).subarray(0, 4), Buffer.from([0xff, 0xff, 0xff, 0xff])]);
      for (const [encoding, body] of [['gzip', corruptGzip], ['br', corruptBr], ['deflate', Buffer.from('not deflate')]] as const) {
        const res = await rawRequest(h.app.url, { ...base, headers: { ...base.headers, 'content-encoding': encoding }, body });
        expect(res.status, encoding).toBe(400);
        expect(res.json).toMatchObject({ error: 'invalid_body', field: 'body' });
      }
      const unknown = await rawRequest(h.app.url, { ...base, headers: { ...base.headers, 'content-encoding': 'compress' }, body: good });
      expect(unknown.status).toBe(415);
      expect(unknown.json).toMatchObject({ field: 'body' });
      const ok = await rawRequest(h.app.url, { ...base, headers: { ...base.headers, 'content-encoding': 'gzip' }, body: gzipSync(good) });
      expect(ok.status).toBe(201);
    });

    it('refuses bodies that are not UTF-8 (400) and other charsets (415) instead of storing replacement characters', async () => {
      const before = await counts();
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const latin1 = Buffer.concat([Buffer.from('{"metrics":{"auc":1},"name":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
      const bad = await rawRequest(h.app.url, { path: '/api/v1/projects/churn/runs', headers, body: latin1 });
      expect(bad.status).toBe(400);
      expect(bad.json).toMatchObject({ error: 'invalid_encoding', field: 'body' });
      expect(String(bad.json?.message)).toContain('UTF-8');
      for (const charset of ['utf-16', 'utf-16le', 'utf8', 'latin1', 'iso-8859-1']) {
        const body = charset.startsWith('utf-16') ? Buffer.from('{"metrics":{"auc":1}}', 'utf16le') : Buffer.from('{"metrics":{"auc":1}}', 'latin1');
        const res = await rawRequest(h.app.url, { path: '/api/v1/projects/churn/runs', headers: { ...headers, 'content-type': `application/json; charset=${charset}` }, body });
        expect(res.status, charset).toBe(415);
        expect(res.json).toMatchObject({ error: 'unsupported_encoding', field: 'body' });
        expect(String(res.json?.message)).toContain('UTF-8');
      }
      // charset=utf-8, in any case, is fine.
      const ok = await rawRequest(h.app.url, { path: '/api/v1/projects/churn/runs', headers: { ...headers, 'content-type': 'application/json; charset=UTF-8' }, body: Buffer.from('{"metrics":{"auc":1},"name":"café"}') });
      expect(ok.status).toBe(201);
      expect(ok.json?.name).toBe('café');
      expect((await counts()).runs).toBe(before.runs + 1);
    });

    it('a malformed percent escape in the path is a 400 JSON error, not a 500', async () => {
      for (const path of ['/api/v1/projects/%E0%A4%A/runs', '/api/v1/projects/%/runs', '/api/v1/projects/%ZZ']) {
        const res = await rawRequest(h.app.url, { method: 'GET', path, headers: { authorization: `Bearer ${token}` } });
        expect(res.status, path).toBe(400);
        expect(res.json, path).toMatchObject({ error: 'invalid_path', field: 'path' });
      }
      const post = await rawRequest(h.app.url, { path: '/api/v1/projects/%E0%A4%A/runs', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"metrics":{"auc":1}}' });
      expect(post.status).toBe(400);
    });

    it('error messages escape invisible characters in the field they name', async () => {
      const res = await call('POST', '/projects/churn/runs', { token, rawBody: '{"metrics":{"auc":1},"params":{"a\\u202eb":"x"}}' });
      expect(res.status).toBe(400);
      expect(res.json.field).toBe('params.a\\u{202E}b');
    });
  });

  describe('the Slack edge', () => {
    it('a validly signed payload that is not JSON, or JSON of the wrong shape, is a 400', async () => {
      const before = await counts();
      for (const payload of ['{not json', 'null', '5', '"text"', '[]', '{}', '{"type":"block_actions"}', '{"type":"block_actions","user":{"id":"U1"},"actions":5}', '{"type":"block_actions","user":{"id":"U1"},"actions":[null]}', '{"type":"view_submission","user":{"id":"U1"}}', '{"type":"view_closed","user":null,"view":{}}', '{"type":"shortcut","user":{"id":"U1"},"event":5}', '{"type":"block_actions","user":{"id":"U1"},"channel":null,"actions":[{"action_id":"x"}]}']) {
        const { body, headers } = signedPayload(payload, h.clock.now());
        const res = await slack({ body, headers });
        expect(res.status, payload).toBe(400);
      }
      for (const json of ['{"event":5}', '{"type":"event_callback","event":{"type":"message","item":5}}', '{"type":"event_callback","event":{"type":"app_home_opened","user":null}}', '[1]', 'null']) {
        const res = await slack({ body: json, headers: signedHeaders(json, 'application/json', h.clock.now()) });
        expect(res.status, json).toBe(400);
      }
      const form = 'command=%2Fmlops&text=a&text=b&team_id=T1&user_id=U1&channel_id=C1';
      expect((await slack({ body: form, headers: signedHeaders(form, 'application/x-www-form-urlencoded', h.clock.now()) })).status).toBe(400);
      expect(await counts()).toEqual(before);
      await alive();
    });

    it('/mlops run refuses reserved param names and invisible characters by name, writing nothing', async () => {
      const before = await counts();
      const reply = async (text: string) => ((await h.people.command(OWNER, CHANNEL, text)).body as { text: string }).text;
      expect(await reply('run churn auc=0.9 --param __proto__=1')).toContain('params.__proto__: "__proto__" is a reserved name');
      expect(await reply('run churn {"metrics": {"auc": 0.9}, "params": {"constructor": 1}}')).toContain('params.constructor: "constructor" is a reserved name');
      expect(await reply('run churn auc=0.9 --name "base\u202eline"')).toContain('name: contains an invisible or text-direction character (U+202E');
      expect(await reply('status churn\u200b')).toContain('U+200B');
      expect(await counts()).toEqual(before);
    });

    it('a client that goes away mid-upload does not take the process down', async () => {
      const { request } = await import('node:http');
      const { port } = new URL(h.app.url);
      await new Promise<void>((resolve) => {
        const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/slack/events', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
        req.on('error', () => resolve());
        req.write(Buffer.alloc(100_000, 0x61), () => setTimeout(() => {
          req.destroy();
          resolve();
        }, 20));
      });
      await new Promise((r) => setTimeout(r, 50));
      await alive();
      expect(log.lines.filter((l) => l.level === 'error')).toEqual([]);
    });

    it('a signed body that is not UTF-8 is a 400; another charset or a compressed body is a 415', async () => {
      const bytes = Buffer.concat([Buffer.from('command=%2Fmlops&text=caf'), Buffer.from([0xe9]), Buffer.from(`&team_id=${h.slack.teamId}&user_id=U1&channel_id=C1`)]);
      expect((await slack({ body: bytes, headers: signedHeaders(bytes, 'application/x-www-form-urlencoded', h.clock.now()) })).status).toBe(400);
      const utf16 = Buffer.from('{"type":"url_verification","challenge":"x"}', 'utf16le');
      expect((await slack({ body: utf16, headers: signedHeaders(utf16, 'application/json; charset=utf-16', h.clock.now()) })).status).toBe(415);
      const gz = gzipSync('{"type":"url_verification","challenge":"x"}');
      expect((await slack({ body: gz, headers: { ...signedHeaders(gz, 'application/json', h.clock.now()), 'content-encoding': 'gzip' } })).status).toBe(415);
      await alive();
    });
  });

  describe('interactions nothing listens for', () => {
    const base = (user: string) => ({ team: { id: h.slack.teamId, domain: 'acme' }, user: { id: user, team_id: h.slack.teamId }, api_app_id: 'A0MLOPS', token: 'legacy', is_enterprise_install: false });
    const deliver = async (payload: Record<string, unknown>) => {
      const { body, headers } = signedPayload(JSON.stringify(payload), h.clock.now());
      const started = Date.now();
      const res = await slack({ body, headers });
      return { ...res, ms: Date.now() - started };
    };

    it('a button from an old message with an unknown action id is acknowledged at once and logged without its payload', async () => {
      const res = await deliver({
        ...base('U0CLICK'),
        type: 'block_actions',
        trigger_id: '123.456.abc',
        channel: { id: CHANNEL },
        container: { type: 'message', channel_id: CHANNEL, message_ts: '1.2' },
        actions: [{ type: 'button', action_id: 'legacy.button\n[ERROR] forged', block_id: 'b1', value: 'secret-value-xyz', action_ts: '1.3' }],
      });
      expect(res.status).toBe(200);
      expect(res.ms).toBeLessThan(1500);
      const line = log.lines.find((l) => l.text.includes('legacy.button'));
      expect(line?.level).toMatch(/debug|info/);
      expect(line?.text).not.toContain('\n');
      expect(log.lines.some((l) => l.text.includes('secret-value-xyz'))).toBe(false);
    });

    it('view_closed, a global shortcut, a message action and a block_suggestion are acknowledged too', async () => {
      const view = { id: 'V1', callback_id: 'legacy.modal', type: 'modal', private_metadata: '', state: { values: {} }, hash: 'h' };
      const closed = await deliver({ ...base('U0A'), type: 'view_closed', view, is_cleared: false });
      expect(closed.status).toBe(200);
      const shortcut = await deliver({ ...base('U0A'), type: 'shortcut', callback_id: 'legacy.shortcut', trigger_id: '1.2.3' });
      expect(shortcut.status).toBe(200);
      const messageAction = await deliver({ ...base('U0A'), type: 'message_action', callback_id: 'legacy.message_action', trigger_id: '1.2.4', channel: { id: CHANNEL }, message: { ts: '1.2', text: 'hi' }, response_url: 'http://127.0.0.1:1/never' });
      expect(messageAction.status).toBe(200);
      const suggestion = await deliver({ ...base('U0A'), type: 'block_suggestion', action_id: 'legacy.select', block_id: 'b', value: 'ab', container: { type: 'view', view_id: 'V1' } });
      expect(suggestion.status).toBe(200);
      expect(suggestion.json).toEqual({ options: [] });
      for (const r of [closed, shortcut, messageAction, suggestion]) expect(r.ms).toBeLessThan(1500);
      expect(log.lines.filter((l) => l.text.includes('ReceiverMultipleAckError') || l.level === 'error')).toEqual([]);
    });

    it('a known action is still answered once by its own listener (no second ack), and the modal it opens submits', async () => {
      const brief = { problem: 'Churn', whyMl: 'Patterns', requirements: 'Weekly', successMetrics: [{ name: 'auc', direction: 'maximize', target: 0.85 }], dataSources: 'CRM', stakeholders: [OWNER], risks: 'Drift', timeline: 'Q3' };
      await h.database.db.update(projects).set({ brief }).where(eq(projects.id, churnId));
      const res = await deliver({
        ...base(OWNER),
        type: 'block_actions',
        trigger_id: h.slack.newTriggerId(OWNER),
        channel: { id: CHANNEL },
        container: { type: 'message', channel_id: CHANNEL, message_ts: '1.2' },
        actions: [{ type: 'button', action_id: 'intake.edit_brief', block_id: 'b1', value: String(churnId), action_ts: '1.3' }],
      });
      expect(res.status).toBe(200);
      const view = await waitFor(() => [...h.slack.store.views.values()].find((v) => v.userId === OWNER && v.open), 'the Edit brief modal');
      const submitted = await h.people.submitView(OWNER, view.id, { brief_timeline: { value: 'Q4' } });
      expect(submitted.status).toBe(200);
      expect(log.lines.filter((l) => /multiple|already acknowledged|no listener acknowledged Slack (block_actions "intake|view_submission)/i.test(l.text))).toEqual([]);
      expect(log.lines.filter((l) => l.level === 'error')).toEqual([]);
    });
  });
});
