import { brotliCompressSync, gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiErrorBody } from '../../src/api/errors.js';
import { auditLog, outbox, runs } from '../../src/db/schema/index.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { capturingLogger, rawRequest, signedPayload } from '../helpers/raw-http.js';
import { projectWithTargets, tokenFor } from '../helpers/runs.js';

/**
 * Property-based tests of the three ways input reaches the app: slash command text, API bodies and
 * interaction payloads. Whatever is sent, the answer is a 2xx or a 4xx (or, for a command, a reply
 * in the ack), never a 500 or a crash, and a refusal writes nothing. One app for the whole file;
 * run counts keep it well under a minute on PGlite. A failure prints fast-check's seed and the
 * shrunk input; rerun with `seed` in the fc.assert options to reproduce it.
 */

const CHANNEL = 'C0CHURN';
const OWNER = 'U0OWNER';
const ALICE = 'U0ALICE';

const KNOWN_ACTIONS = ['intake.edit_brief', 'intake.request_design_gate', 'runs.request_deployment_gate', 'gate.vote.go', 'gate.vote.no_go', 'gate.vote.abstain', 'gate.close', 'gate.cancel', 'viability.answer.on_track', 'viability.answer.at_risk', 'viability.comment', 'viability.escalate', 'gate.form.project', 'viability.schedule_form', 'viability.schedule_form.cadence', 'viability.schedule_form.cron', 'viability.schedule_form.tz'];
const KNOWN_VIEWS = ['intake.brief_edit', 'gate.nogo', 'viability.comment_view', 'gate.form', 'viability.schedule_form.view'];

/** Strings people, programs and attackers send: ordinary, any code point, invisible, number-like, long. */
const nasty = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '-0', '0x10', '1,5', '91%', '.5', '5.', ' ', '', 'null', 'true', '\u0000', '\u202e', '\u200b', '\ufeff', '__proto__', 'constructor', '<@U0OWNER>', '&lt;script&gt;', '😀', 'a\nb'),
  fc.string({ minLength: 200, maxLength: 2500 }),
);
const digits = fc.integer({ min: 0, max: 50 }).map(String);

// ---- slash commands -------------------------------------------------------------------------

const SLUGS = fc.oneof({ weight: 4, arbitrary: fc.constant('churn') }, { weight: 1, arbitrary: fc.constantFrom('fraud', 'nope', 'Churn', '-x', 'a', 'churn\u200b') });
const FLAGS = ['--param', '--name', '--dataset', '--note', '--commit', '--metric', '--last', '--to', '--voters', '--quorum', '--deadline', '--anonymous', '--every', '--tz', '--help', '--bogus', '-x', '--=', '---'];
const quoted = fc.tuple(fc.constantFrom('"', "'", '“', '‘'), nasty, fc.constantFrom('"', "'", '”', '’')).map(([o, t, c]) => `${o}${t.slice(0, 30).replace(/["'“”‘’]/g, '')}${c}`);
/** A word: mostly the vocabulary of the subcommands, sometimes anything (quotes left unbalanced now and then). */
const commandWord = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('churn', 'fraud', 'auc', 'loss', '0.9', '91%', '1e-3', 'NaN', '1e999', '-0', 'list', 'revoke', 'on', 'off', 'weekly', 'mon', '09:00', '48h', '2d', '2030-01-01T00:00:00Z', 'design', 'development', 'deployment', '<@U0OWNER>', '<@U0ALICE|alice>', '<#C0CHURN|churn>', '<!here>', '&lt;b&gt;', '&amp;', '{', '}', '—', '=', 'x=', '=1') },
  { weight: 2, arbitrary: quoted },
  { weight: 2, arbitrary: nasty.map((t) => t.slice(0, 40).replace(/["'“”‘’]/g, '')) },
  { weight: 1, arbitrary: nasty.map((t) => t.slice(0, 40)) },
);
const metricPair = fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('auc', 'loss', 'latency_ms', 'f1') }, { weight: 1, arbitrary: commandWord }), fc.oneof({ weight: 3, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map(String) }, { weight: 1, arbitrary: commandWord })).map(([k, v]) => `${k}=${v}`);
const flagPart = fc.tuple(fc.constantFrom(...FLAGS), fc.option(fc.oneof(commandWord, metricPair), { nil: undefined }), fc.boolean()).map(([f, v, eq]) => (v === undefined ? f : eq ? `${f}=${v}` : `${f} ${v}`));
const tail = (...parts: fc.Arbitrary<string>[]) => fc.array(fc.oneof(...parts), { maxLength: 6 });
/** Per subcommand, text shaped like its usage with odd values and odd flags mixed in, so refusals come from deep in the parser and verbs. */
const commandText = fc
  .tuple(
    fc.oneof(
      fc.tuple(fc.constant('run'), SLUGS, tail(metricPair, metricPair, flagPart, commandWord)).map(([c, slug, rest]) => [c, slug, ...rest]),
      fc.tuple(fc.constant('run'), SLUGS, fc.jsonValue({ maxDepth: 3 })).map(([c, slug, json]) => [c, slug, JSON.stringify(json)]),
      fc.tuple(fc.constant('runs'), SLUGS, tail(flagPart, commandWord)).map(([c, slug, rest]) => [c, slug, ...rest]),
      fc.tuple(fc.constant('status'), fc.option(SLUGS, { nil: '' }), tail(commandWord)).map(([c, slug, rest]) => [c, slug, ...rest]),
      fc.tuple(fc.constant('token'), SLUGS, fc.constantFrom('', 'list', 'revoke', 'revoke abcdefghij'), tail(commandWord)).map(([c, slug, sub, rest]) => [c, slug, sub, ...rest]),
      fc.tuple(fc.constant('gate'), SLUGS, tail(flagPart, commandWord)).map(([c, slug, rest]) => [c, slug, ...rest]),
      fc.tuple(fc.constant('viability'), SLUGS, tail(flagPart, commandWord)).map(([c, slug, rest]) => [c, slug, ...rest]),
      fc.tuple(fc.constant('intake'), tail(commandWord)).map(([c, rest]) => [c, ...rest]),
      fc.tuple(fc.constantFrom('help', '--help', 'HELP', 'deploy', ''), tail(flagPart, commandWord)).map(([c, rest]) => [c, ...rest]),
    ),
    fc.constantFrom(' ', ' ', ' ', '  ', '\u00a0', '\n', '\t'),
  )
  .map(([parts, sep]) => parts.join(sep));

// ---- API bodies -----------------------------------------------------------------------------

const jsonLeaf = fc.oneof(fc.double(), fc.integer(), nasty, fc.boolean(), fc.constant(null));
/** Any JSON value, mostly a leaf. */
const apiValue = fc.oneof({ weight: 4, arbitrary: jsonLeaf }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
const apiKey = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'a'.repeat(70), 'AUC', '', ' ', '9lives', 'model.depth') },
  { weight: 1, arbitrary: nasty.map((s) => s.slice(0, 100)) },
);
const goodText = fc.string({ minLength: 1, maxLength: 30 }).filter((t) => t.trim() !== '');
/** A run the API accepts: the base every mutation below starts from. */
const goodRun = fc.record(
  {
    metrics: fc.dictionary(fc.constantFrom('auc', 'loss', 'latency_ms', 'f1'), fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom('0.91', '91%', '1e-3', '-2')), { minKeys: 1, maxKeys: 3 }),
    params: fc.dictionary(fc.constantFrom('lr', 'model.depth', 'opt/beta1', 'seed'), fc.oneof(fc.integer(), fc.boolean(), goodText), { maxKeys: 3 }),
    name: goodText,
    note: goodText,
    dataset: goodText,
    commit: fc.stringMatching(/^[0-9a-f]{7,12}$/),
  },
  { requiredKeys: ['metrics'] },
);
type Run = Record<string, unknown> & { metrics: Record<string, unknown>; params?: Record<string, unknown> };
/** One change that may or may not make the run invalid; computed keys keep `__proto__` an own key. */
const mutation: fc.Arbitrary<(r: Run) => Run> = fc.oneof(
  { weight: 3, arbitrary: fc.constant((r: Run) => r) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('metrics', 'params', 'name', 'note', 'dataset', 'commit', 'extra', '__proto__'), apiValue).map(([f, v]) => (r: Run) => ({ ...r, [f]: v })) },
  { weight: 2, arbitrary: fc.tuple(fc.oneof(apiKey, fc.constantFrom('auc', 'f1')), apiValue).map(([k, v]) => (r: Run) => ({ ...r, metrics: { ...r.metrics, [k]: v } })) },
  { weight: 2, arbitrary: fc.tuple(fc.oneof(apiKey, fc.constantFrom('lr', 'seed')), apiValue).map(([k, v]) => (r: Run) => ({ ...r, params: { ...r.params, [k]: v } })) },
);
const runBodyText = fc.tuple(goodRun, fc.array(mutation, { maxLength: 2 })).map(([run, changes]) => JSON.stringify(changes.reduce((r, change) => change(r), run as Run)));
const apiBody = fc.oneof(
  { weight: 12, arbitrary: runBodyText },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: nasty },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((n) => '['.repeat(n) + ']'.repeat(n)) },
);
const apiTransport = fc.record({
  contentType: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
    { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1') },
  ),
  idempotencyKey: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.oneof(fc.uuid(), fc.constantFrom('ci-1', 'ci-2'), nasty.filter((s) => /^[\x20-\x7e]*$/.test(s))) }),
  encoding: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('gzip', 'br', 'identity', 'deflate') }),
});

// ---- interaction payloads -------------------------------------------------------------------

const anything = fc.jsonValue({ maxDepth: 3 });
/** Mostly `likely`, now and then any JSON value at all. */
const mostly = <T>(likely: fc.Arbitrary<T>) => fc.oneof({ weight: 15, arbitrary: likely }, { weight: 1, arbitrary: anything });
const user = mostly(fc.record({ id: fc.constantFrom(OWNER, ALICE, 'U0STRANGER'), team_id: fc.constant('T0TEST') }));
const team = mostly(fc.oneof(fc.record({ id: fc.constant('T0TEST') }), fc.constant(null)));
const container = mostly(fc.record({ type: fc.constant('message'), channel_id: fc.constant(CHANNEL), message_ts: fc.constant('1.2'), thread_ts: fc.option(fc.constant('1.1'), { nil: undefined }) }));
const view = mostly(
  fc.record(
    {
      id: fc.constant('V0FUZZ'),
      callback_id: fc.oneof(fc.constantFrom(...KNOWN_VIEWS), nasty),
      private_metadata: fc.oneof(nasty, anything.map((v) => JSON.stringify(v)), fc.constant('{"gateId":1,"channelId":"C0CHURN"}'), fc.constant('{"projectId":1,"channelId":"C0CHURN","ts":"1.2"}'), fc.constant('{"projectId":1,"slug":"churn","channelId":"C0CHURN"}')),
      state: mostly(fc.record({ values: fc.dictionary(fc.oneof(fc.constantFrom('reason', 'viability_answer', 'viability_comment', 'brief_problem', 'brief_timeline', 'gate_deadline', 'gate_options', 'schedule_cron', 'schedule_tz'), nasty), fc.dictionary(fc.oneof(fc.constantFrom('reason', 'value', 'viability_answer', 'viability_comment', 'deadline', 'options', 'viability.schedule_form.cron', 'viability.schedule_form.tz'), nasty), anything, { maxKeys: 2 }), { maxKeys: 3 }) })),
    },
    { requiredKeys: ['callback_id'] },
  ),
);
const actions = mostly(
  fc.array(
    fc.record({ action_id: fc.oneof(fc.constantFrom(...KNOWN_ACTIONS), nasty), block_id: mostly(nasty), value: mostly(fc.oneof(digits, nasty)), type: fc.constant('button') }, { requiredKeys: ['action_id'] }),
    { minLength: 1, maxLength: 3 },
  ),
);
const common = { user, team, trigger_id: mostly(fc.uuid()) };
/** One record per kind, with the fields Slack sends for it, each now and then replaced by anything. */
const interactionCore = fc.oneof(
  { weight: 4, arbitrary: fc.record({ ...common, type: fc.constant('block_actions'), channel: mostly(fc.record({ id: fc.constant(CHANNEL) })), container, actions, view, message: mostly(fc.record({ ts: fc.constant('1.2'), text: nasty })) }, { requiredKeys: ['type', 'user', 'actions'] }) },
  { weight: 3, arbitrary: fc.record({ ...common, type: fc.constantFrom('view_submission', 'view_closed'), view }, { requiredKeys: ['type', 'user', 'view'] }) },
  { weight: 1, arbitrary: fc.record({ ...common, type: fc.constantFrom('shortcut', 'message_action'), callback_id: mostly(fc.oneof(fc.constant('open_gate'), nasty)), channel: mostly(fc.record({ id: fc.constant(CHANNEL) })) }, { requiredKeys: ['type', 'user', 'callback_id'] }) },
  { weight: 1, arbitrary: fc.record({ ...common, type: fc.constant('block_suggestion'), action_id: mostly(fc.oneof(fc.constantFrom(...KNOWN_ACTIONS), nasty)), block_id: mostly(nasty), value: mostly(nasty), container }, { requiredKeys: ['type', 'user', 'action_id'] }) },
  { weight: 1, arbitrary: fc.record({ ...common, type: fc.oneof(fc.constantFrom('interactive_message', 'dialog_submission'), nasty), actions, callback_id: nasty }, { requiredKeys: ['type'] }) },
);
/** Fields that make Bolt route a body as another kind; present now and then. */
const misrouting = fc.oneof({ weight: 15, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.record({ event: anything, command: anything, name: anything, function_data: anything }, { requiredKeys: [] }) });
const interaction = fc.oneof(
  { weight: 1, arbitrary: anything },
  { weight: 15, arbitrary: fc.tuple(interactionCore, misrouting, fc.option(fc.dictionary(nasty, anything, { maxKeys: 2 }), { nil: {} })).map(([core, odd, extra]) => ({ ...extra, ...core, ...odd })) },
);

describe.each(databaseKinds())('property: no input gets a 500, crashes the app or writes on refusal (%s)', (kind) => {
  let h: Harness;
  let token: string;
  const log = capturingLogger();

  /** Rows in the tables a refused request must not touch, in one round trip. */
  const counts = async () => {
    const [row] = await h.database.db
      .select({ runs: sql<number>`(select count(*)::int from ${runs})`, audit: sql<number>`(select count(*)::int from ${auditLog})`, outbox: sql<number>`(select count(*)::int from ${outbox})` })
      .from(sql`(select 1) as one`);
    return row!;
  };
  /** Counts once nothing is being written any more (a command's follow-up runs after its ack). */
  const settledCounts = async () => {
    let last = await counts();
    for (let i = 0; i < 200; i++) {
      await new Promise((r) => setTimeout(r, 15));
      const now = await counts();
      if (JSON.stringify(now) === JSON.stringify(last)) return now;
      last = now;
    }
    throw new Error(`rows kept changing: ${JSON.stringify(last)}`);
  };
  const errorsLogged = () => log.lines.filter((l) => l.level === 'error');

  beforeAll(async () => {
    // Limits high enough for the thousands of requests below; their own behaviour is tested in rate-limit.test.ts.
    h = await bootApp(kind, { start: { log, apiRateLimits: { perToken: 1e9, perIp: 1e9 } } });
    const targets = [{ name: 'auc', direction: 'maximize' as const, target: 0.85 }];
    await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'churn', channelId: CHANNEL, ownerId: OWNER, now: h.clock.now(), phase: 'development', targets });
    token = (await tokenFor(h, OWNER, CHANNEL, 'churn')).token;
    await h.people.command(OWNER, CHANNEL, `gate churn --voters <@${OWNER}> <@${ALICE}>`);
  });
  afterAll(async () => h?.close());

  it('slash command text: always a reply in the ack, never an internal error; a refusal writes nothing', async () => {
    let dirty = true;
    let before = await settledCounts();
    await fc.assert(
      fc.asyncProperty(commandText, fc.constantFrom(OWNER, ALICE), async (text, user) => {
        if (dirty) before = await settledCounts();
        const res = await h.people.command(user, CHANNEL, text);
        expect(res.status).toBe(200);
        const body = res.body as { text?: unknown; response_type?: unknown };
        expect(typeof body?.text).toBe('string');
        expect(['ephemeral', 'in_channel']).toContain(body.response_type);
        expect(body.text).not.toContain('Something went wrong on our side');
        const refused = /Usage:|^:no_entry_sign:|never closed|malformed/.test(body.text as string);
        if (refused) expect(await counts()).toEqual(before);
        dirty = !refused;
      }),
      { numRuns: 300 },
    );
    expect(errorsLogged()).toEqual([]);
  });

  it('API bodies for POST /projects/{slug}/runs: 2xx or a 4xx JSON error, never a 500; a refusal writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(apiBody, apiTransport, async (text, t) => {
        const raw = t.contentType.includes('utf-16') ? Buffer.from(text, 'utf16le') : Buffer.from(text);
        const body = t.encoding === 'gzip' ? gzipSync(raw) : t.encoding === 'br' ? brotliCompressSync(raw) : raw;
        const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'content-type': t.contentType };
        if (t.encoding) headers['content-encoding'] = t.encoding;
        if (t.idempotencyKey !== undefined) headers['idempotency-key'] = t.idempotencyKey;
        const before = await counts();
        const res = await rawRequest(h.app.url, { path: '/api/v1/projects/churn/runs', headers, body });
        expect([200, 201, 400, 409, 413, 415]).toContain(res.status);
        if (res.status >= 400) {
          expect(ApiErrorBody.safeParse(res.json).success).toBe(true);
          expect(await counts()).toEqual(before);
        } else if (res.status === 201) {
          expect((await counts()).runs).toBe(before.runs + 1);
        }
      }),
      { numRuns: 400 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(errorsLogged()).toEqual([]);
  });

  it('interaction payloads of any shape, validly signed: 200 (acknowledged) or 400, quickly; a refusal writes nothing', async () => {
    let dirty = true;
    let before = await counts();
    await fc.assert(
      fc.asyncProperty(interaction, async (payload) => {
        const { body, headers } = signedPayload(JSON.stringify(payload), h.clock.now());
        // Listeners may keep writing after their ack; a refusal before them leaves nothing behind.
        if (dirty) before = await settledCounts();
        const started = Date.now();
        const res = await rawRequest(h.app.url, { path: '/slack/events', headers, body });
        expect([200, 400]).toContain(res.status);
        expect(Date.now() - started).toBeLessThan(2500);
        if (res.status === 400) expect(await counts()).toEqual(before);
        dirty = res.status !== 400;
      }),
      { numRuns: 400 },
    );
    expect(errorsLogged()).toEqual([]);
    await expect(fetch(`${h.app.url}/healthz`).then((r) => r.status)).resolves.toBe(200);
  });
});
