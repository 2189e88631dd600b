import { gzipSync } from 'node:zlib';
import { count, eq } from 'drizzle-orm';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, driftBatches, driftReferenceColumns, driftReferences, driftSettings } from '../../src/db/schema/index.js';
import { DriftReportOut } from '../../src/api/drift.js';
import { countNulls, fromFloat64Bytes } from '../../src/domain/drift/columns.js';
import { evaluateDataset } from '../../src/domain/drift/evaluate.js';
import type { DriftReport } from '../../src/domain/drift/report.js';
import { databaseKinds } from '../helpers/db.js';
import { choices, expectedDrift, normals, rng, toCsv, type JsonColumn } from '../helpers/drift-samples.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { api, projectWithTargets, tokenFor } from '../helpers/runs.js';

const CHANNEL = 'C0CHURN';
const OWNER = 'U0OWNER';
const TARGETS = [
  { name: 'accuracy', direction: 'maximize' as const, target: 0.8 },
  { name: 'roc_auc', direction: 'maximize' as const, target: 0.7 },
  // Not about model quality on the data: left out of the recomputation.
  { name: 'latency_ms', direction: 'minimize' as const, target: 200 },
];
const KINDS = { age: 'numeric', income: 'numeric', plan: 'categorical', region: 'categorical' } as const;

function referenceData(n: number, seed = 1) {
  const r = rng(seed);
  return {
    age: normals(r, n, 40, 10) as JsonColumn,
    income: normals(r, n, 50_000, 8_000) as JsonColumn,
    plan: choices(r, ['basic', 'plus', 'pro'], [5, 3, 2], n) as JsonColumn,
    region: choices(r, ['north', 'south', 'east', 'west', 'centre'], [1, 1, 1, 1, 1], n) as JsonColumn,
  };
}

describe.each(databaseKinds())('drift ingestion through the HTTP API (%s)', (kind) => {
  let h: Harness;
  let call: ReturnType<typeof api>;
  let churn: { token: string; id: string };
  let fraud: { token: string; id: string };
  let churnId: number;
  const raised: number[] = [];

  const rowsIn = async (table: typeof driftBatches | typeof driftReferences | typeof driftReferenceColumns | typeof auditLog) =>
    Number((await h.database.db.select({ n: count() }).from(table))[0]!.n);
  const counts = async () => ({ references: await rowsIn(driftReferences), columns: await rowsIn(driftReferenceColumns), batches: await rowsIn(driftBatches), audit: await rowsIn(auditLog) });
  const post = (path: 'reference' | 'observations', body: unknown, opts: { token?: string; headers?: Record<string, string>; query?: string } = {}) =>
    call('POST', `/projects/churn/${path}${opts.query ?? ''}`, { token: opts.token ?? churn.token, body, headers: opts.headers });
  const postCsv = (path: 'reference' | 'observations', csv: string, opts: { headers?: Record<string, string>; query?: string } = {}) =>
    call('POST', `/projects/churn/${path}${opts.query ?? ''}`, { token: churn.token, rawBody: csv, headers: { 'content-type': 'text/csv', ...opts.headers } });

  beforeAll(async () => {
    h = await bootApp(kind);
    call = api(h);
    const now = h.clock.now();
    churnId = (await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'churn', channelId: CHANNEL, ownerId: OWNER, now, targets: TARGETS, phase: 'deployment' })).id;
    await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'fraud', channelId: 'C0FRAUD', ownerId: OWNER, now });
    churn = await tokenFor(h, OWNER, CHANNEL, 'churn');
    fraud = await tokenFor(h, OWNER, CHANNEL, 'fraud');
    // Counts every alert raised, then raises it as the app would.
    const raise = h.app.deps.drift.raiseAlert;
    h.app.deps.drift.raiseAlert = async (deps, batch) => {
      raised.push(batch.report.batchId);
      await raise(deps, batch);
    };
  });
  afterAll(async () => h?.close());

  it('GET drift is a 404 before any batch, and a batch before any reference is a 409; nothing is written', async () => {
    const before = await counts();
    const none = await call('GET', '/projects/churn/drift', { token: churn.token });
    expect(none.status).toBe(404);
    expect(none.json).toMatchObject({ error: 'not_found', field: null });
    const early = await post('observations', { features: { age: [1, 2, 3] } });
    expect(early.status).toBe(409);
    expect(early.json).toMatchObject({ error: 'no_reference' });
    expect(early.json.message).toContain('/api/v1/projects/churn/reference');
    expect(await counts()).toEqual(before);
  });

  it('stores a JSON reference as one row per column: numeric as float64 bytes, categorical as JSON, nulls and NaNs counted apart', async () => {
    const data = referenceData(500);
    data.age[3] = null;
    data.age[4] = 'NaN';
    data.age[5] = 'Infinity';
    data.plan[7] = null;
    const res = await post('reference', { features: data, predictions: normals(rng(9), 500, 0.5, 0.2), labels: choices(rng(10), [0, 1], [1, 1], 500) });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ rows: 500 });
    const cols = res.json.columns as { name: string; role: string; kind: string; present: number; missing: unknown }[];
    expect(cols.map((c) => [c.name, c.role, c.kind])).toEqual([
      ['age', 'feature', 'numeric'],
      ['income', 'feature', 'numeric'],
      ['plan', 'feature', 'categorical'],
      ['region', 'feature', 'categorical'],
      ['__prediction', 'prediction', 'numeric'],
      ['__label', 'label', 'numeric'],
    ]);
    expect(cols[0]).toMatchObject({ present: 497, missing: { null: 1, nan: 1, infinite: 1 } });
    expect(cols[2]).toMatchObject({ present: 499, missing: { null: 1, nan: 0, infinite: 0 } });

    const stored = await h.database.db.select().from(driftReferenceColumns).where(eq(driftReferenceColumns.referenceId, res.json.referenceId as number));
    expect(stored).toHaveLength(6);
    const age = stored.find((c) => c.name === 'age')!;
    expect(age.numeric!.byteLength).toBe(500 * 8);
    expect(age.categorical).toBeNull();
    const ages = fromFloat64Bytes(age.numeric!);
    expect(ages[0]).toBe(data.age[0]);
    expect([Number.isNaN(ages[3]!), Number.isNaN(ages[4]!), ages[5]]).toEqual([true, true, Infinity]);
    expect(countNulls(ages)).toBe(1);
    const plan = stored.find((c) => c.name === 'plan')!;
    expect(plan.numeric).toBeNull();
    expect(plan.categorical).toEqual(data.plan);
    const [ref] = await h.database.db.select().from(driftReferences).where(eq(driftReferences.id, res.json.referenceId as number));
    expect(ref).toMatchObject({ projectId: churnId, rows: 500, current: true, createdBy: `token:${churn.id}` });
  });

  it('evaluates a JSON batch: the report is what evaluateDataset gives on the same data, stored, and alerted once', async () => {
    const reference = referenceData(500);
    const stored = await post('reference', { features: reference });
    expect(stored.status).toBe(201);
    const current = referenceData(300, 2);
    // Shift one feature and the plan mix: those two drift.
    current.age = normals(rng(3), 300, 47, 10);
    current.plan = choices(rng(4), ['basic', 'plus', 'pro'], [1, 3, 6], 300);
    current.income[0] = null;
    current.income[1] = 'NaN';
    current.income[2] = '-Infinity';
    current.income[3] = 'infinity';
    const before = await counts();
    const res = await post('observations', { features: current, timestamp: '2026-03-01T10:00:00+01:00' });
    expect(res.status).toBe(201);
    const report = DriftReportOut.parse(res.json) as DriftReport;
    const expected = expectedDrift(reference, current, KINDS);
    expect(report).toMatchObject({ ...expected, rows: 300, observedAt: '2026-03-01T09:00:00.000Z', performance: [], performanceAlert: false });
    expect(report.columns).toEqual(expected.columns);
    expect(report.columns.filter((c) => c.drifted).map((c) => c.name)).toEqual(['age', 'plan']);
    expect(report.columns.find((c) => c.name === 'income')!.missing.current).toEqual({ null: 1, nan: 1, infinite: 2 });

    // The batch drifted, so it also opened an incident, whose opening is audited.
    expect(await counts()).toEqual({ ...before, batches: before.batches + 1, audit: before.audit + 1 });
    const [row] = await h.database.db.select().from(driftBatches).where(eq(driftBatches.id, report.batchId));
    expect(row).toMatchObject({ projectId: churnId, referenceId: stored.json.referenceId, rows: 300, driftShare: 0.5, datasetDrift: true, performanceAlert: false, idempotencyKey: null });
    expect(row!.observedAt.toISOString()).toBe('2026-03-01T09:00:00.000Z');
    expect(row!.report).toEqual(res.json);
    expect(raised).toEqual([report.batchId]);

    const latest = await call('GET', '/projects/churn/drift', { token: churn.token });
    expect(latest.status).toBe(200);
    expect(latest.json).toEqual(res.json);
  });

  it('reads CSV the same as JSON: header row, empty cells missing, __prediction and __label columns, kinds declared in the query', async () => {
    const r = rng(20);
    const reference = { ...referenceData(400, 21), zip: choices(r, [10115, 10117, 20095], [1, 1, 1], 400) as JsonColumn };
    reference.plan[0] = 'plus, annual'; // a quoted cell
    reference.age[1] = null;
    const predictions = normals(r, 400, 0.5, 0.15);
    const labels = choices(r, [0, 1], [1, 1], 400);
    const res = await postCsv('reference', toCsv({ ...reference, __prediction: predictions, __label: labels }), { query: '?categorical=zip' });
    expect(res.status).toBe(201);
    const cols = res.json.columns as { name: string; role: string; kind: string; missing: { null: number } }[];
    expect(cols.map((c) => `${c.name}:${c.role}:${c.kind}`)).toEqual([
      'age:feature:numeric', 'income:feature:numeric', 'plan:feature:categorical', 'region:feature:categorical', 'zip:feature:categorical',
      '__prediction:prediction:numeric', '__label:label:numeric',
    ]);
    expect(cols[0]!.missing.null).toBe(1);

    const current = { ...referenceData(250, 22), zip: choices(r, [10115, 20095], [1, 3], 250) as JsonColumn };
    current.income[5] = 'NaN';
    const csvBatch = await postCsv('observations', toCsv(current), { query: '?timestamp=2026-03-02T08:00:00Z' });
    expect(csvBatch.status).toBe(201);
    const jsonBatch = await post('observations', { features: current, timestamp: '2026-03-02T08:00:00Z' });
    expect(jsonBatch.status).toBe(201);
    const strip = (j: Record<string, unknown>) => ({ ...j, batchId: 0 });
    expect(strip(csvBatch.json)).toEqual(strip(jsonBatch.json));
    const expected = expectedDrift(reference, current, { ...KINDS, zip: 'categorical' });
    expect(csvBatch.json.columns).toEqual(expected.columns);
    expect((csvBatch.json.columns as { name: string; missing: { current: unknown } }[]).find((c) => c.name === 'income')!.missing.current).toEqual({ null: 0, nan: 1, infinite: 0 });
  });

  it('recomputes the brief\'s success metrics from labels; one missing its target sets performanceAlert', async () => {
    const n = 600;
    const r = rng(30);
    const labelsOf = (k: number) => choices(r, [0, 1], [1, 1], k);
    // Good scores: mostly on the right side of 0.5. Poor ones: noise.
    const scoresFor = (labels: number[], skill: number) => labels.map((y) => Math.round((r() < skill ? (y ? 0.55 + 0.4 * r() : 0.05 + 0.4 * r()) : r()) * 1e4) / 1e4);
    const refLabels = labelsOf(n);
    const reference = referenceData(n, 31);
    expect((await post('reference', { features: reference, predictions: scoresFor(refLabels, 0.9), labels: refLabels })).status).toBe(201);

    const goodLabels = labelsOf(300);
    const goodScores = scoresFor(goodLabels, 0.95);
    const good = await post('observations', { features: referenceData(300, 32), predictions: goodScores, labels: goodLabels });
    expect(good.status).toBe(201);
    const accuracy = (labels: number[], scores: number[]) => labels.filter((y, i) => (scores[i]! >= 0.5 ? 1 : 0) === y).length / labels.length;
    expect(good.json.performance).toEqual([
      { metric: 'accuracy', direction: 'maximize', target: 0.8, value: accuracy(goodLabels, goodScores), met: true },
      { metric: 'roc_auc', direction: 'maximize', target: 0.7, value: expect.any(Number), met: true },
    ]);
    expect(good.json.performanceAlert).toBe(false);
    const names = (good.json.columns as { name: string }[]).map((c) => c.name);
    expect(names.slice(-2)).toEqual(['__prediction', '__label']);

    const poorLabels = labelsOf(300);
    poorLabels[0] = null as unknown as number; // a missing label is skipped
    const poorScores = scoresFor(poorLabels, 0);
    const poor = await post('observations', { features: referenceData(300, 33), predictions: poorScores, labels: poorLabels });
    expect(poor.status).toBe(201);
    const [acc] = poor.json.performance as { value: number; met: boolean }[];
    expect(acc!.value).toBeCloseTo(accuracy(poorLabels.slice(1), poorScores.slice(1)), 12);
    expect(acc!.met).toBe(false);
    expect(poor.json.performanceAlert).toBe(true);
    const [row] = await h.database.db.select().from(driftBatches).where(eq(driftBatches.id, poor.json.batchId as number));
    expect(row!.performanceAlert).toBe(true);

    // Without labels there is nothing to recompute.
    const unlabelled = await post('observations', { features: referenceData(50, 34) });
    expect(unlabelled.json).toMatchObject({ performance: [], performanceAlert: false });
  });

  it('applies the project\'s drift settings: thresholds, per-column tests and the dataset share', async () => {
    const reference = referenceData(500, 40);
    expect((await post('reference', { features: reference })).status).toBe(201);
    const settings = { driftShare: 0.25, columns: { income: { test: 'psi' as const, threshold: 0.01 }, region: { threshold: 0.5 } } };
    await h.database.db.insert(driftSettings).values({ projectId: churnId, teamId: h.slack.teamId, settings });
    try {
      const current = referenceData(300, 41);
      const res = await post('observations', { features: current });
      expect(res.status).toBe(201);
      const expected = expectedDrift(reference, current, KINDS, settings);
      expect(res.json.columns).toEqual(expected.columns);
      expect(res.json).toMatchObject({ driftShare: 0.25, nDrifted: expected.nDrifted, datasetDrift: expected.datasetDrift });
      expect((res.json.columns as { name: string; test: string }[]).find((c) => c.name === 'income')!.test).toBe('psi');
    } finally {
      await h.database.db.delete(driftSettings).where(eq(driftSettings.projectId, churnId));
    }
  });

  it('honours Idempotency-Key: retries, even racing, store and alert one batch and answer its report', async () => {
    const body = { features: referenceData(100, 50) };
    const before = await counts();
    const alertsBefore = raised.length;
    const headers = { 'idempotency-key': 'monitor-2026-03-01T10' };
    const results = await Promise.all(Array.from({ length: 4 }, () => post('observations', body, { headers })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200 && r.headers.get('idempotent-replayed') === 'true')).toHaveLength(3);
    // Stored JSONB orders keys its own way, so the replays are compared as values.
    for (const r of results) expect(r.json).toEqual(results[0]!.json);
    const later = await post('observations', body, { headers });
    expect(later.status).toBe(200);
    expect(later.json).toEqual(results[0]!.json);
    expect(await counts()).toEqual({ ...before, batches: before.batches + 1 });
    expect(raised.slice(alertsBefore)).toEqual([results[0]!.json.batchId]);
  });

  it('replaces the reference: the new one is current, the old one stays for the batches compared with it', async () => {
    const before = await h.database.db.select().from(driftReferences).where(eq(driftReferences.projectId, churnId));
    const res = await post('reference', { features: referenceData(100, 60) });
    expect(res.status).toBe(201);
    const after = await h.database.db.select().from(driftReferences).where(eq(driftReferences.projectId, churnId));
    expect(after).toHaveLength(before.length + 1);
    expect(after.filter((r) => r.current).map((r) => r.id)).toEqual([res.json.referenceId]);
    const audit = await h.database.db.select().from(auditLog).where(eq(auditLog.action, 'drift.reference_set'));
    expect(audit.at(-1)).toMatchObject({ projectId: churnId, actorId: `token:${churn.id}`, detail: { referenceId: res.json.referenceId, rows: 100, columns: 4 } });
  });

  describe('refuses bad input with the status and a JSON error naming what to fix, writing nothing', () => {
    const batch = () => referenceData(20, 70) as Record<string, unknown[]>;
    const json = (body: unknown, extra: { headers?: Record<string, string>; query?: string; token?: string } = {}) => ({ body, ...extra });
    const raw = (rawBody: string, contentType = 'application/json', extra: { query?: string; headers?: Record<string, string> } = {}) => ({ rawBody, ...extra, headers: { 'content-type': contentType, ...extra.headers } });
    const long = 'x'.repeat(101);
    const cases: [string, 'reference' | 'observations', () => { body?: unknown; rawBody?: string; headers?: Record<string, string>; query?: string; token?: string | null }, number, string, string | null, string?][] = [
      ['no token', 'observations', () => json(batch(), { token: '' }), 401, 'unauthorized', null],
      ['a wrong token', 'observations', () => json({ features: batch() }, { token: 'mlops_abc_def' }), 401, 'unauthorized', null],
      ["another project's token", 'reference', () => json({ features: batch() }, { token: fraud.token }), 403, 'forbidden', null],
      ['text/plain', 'observations', () => raw('age\n1\n', 'text/plain'), 415, 'unsupported_media_type', 'Content-Type', 'text/csv'],
      ['a charset other than UTF-8', 'reference', () => raw('age\n1\n', 'text/csv; charset=latin1'), 415, 'unsupported_media_type', 'Content-Type', 'latin1'],
      ['malformed JSON', 'observations', () => raw('{\n  "features": {\n    "age": [1, 2,]\n  }\n}'), 400, 'invalid_json', 'body', 'line 3, column'],
      ['bare NaN (Python json.dumps)', 'observations', () => raw('{"features": {"age": [1, NaN]}}'), 400, 'invalid_json', 'body', 'the strings "NaN"'],
      ['bytes that are not UTF-8', 'observations', () => raw('{"features": {"age": [1]}}'), 400, 'invalid_encoding', 'body'],
      ['a JSON array', 'observations', () => json([1, 2]), 400, 'invalid_request', 'body'],
      ['an empty body', 'reference', () => raw(''), 400, 'invalid_request', 'body', 'empty'],
      ['a misspelt field', 'observations', () => json({ features: batch(), label: [1] }), 400, 'invalid_request', 'label'],
      ['features that are not an object', 'observations', () => json({ features: [[1, 2]] }), 400, 'invalid_request', 'features'],
      ['a column that is not an array', 'observations', () => json({ features: { ...batch(), age: 5 } }), 400, 'invalid_request', 'features.age', 'array'],
      ['no columns', 'reference', () => json({ features: {} }), 400, 'invalid_request', 'features', 'at least one'],
      ['empty arrays', 'observations', () => json({ features: { age: [], income: [], plan: [], region: [] } }), 400, 'invalid_request', 'features.age', 'empty'],
      ['columns of different lengths', 'observations', () => json({ features: { ...batch(), income: [1, 2] } }), 400, 'invalid_request', 'features.income', '2 values'],
      ['predictions of another length', 'observations', () => json({ features: batch(), predictions: [0.5] }), 400, 'invalid_request', 'predictions', '1 values'],
      ['a column the reference does not have', 'observations', () => json({ features: { ...batch(), colour: Array(20).fill('red') } }), 400, 'invalid_request', 'features', '"colour"'],
      ['a column missing from the batch', 'observations', () => json({ features: { age: batch().age, income: batch().income, plan: batch().plan } }), 400, 'invalid_request', 'features', 'missing: "region"'],
      ['text in a numeric column', 'observations', () => json({ features: { ...batch(), age: [1, 2, 'forty', ...Array(17).fill(3)] } }), 400, 'invalid_request', 'features.age', 'row 2 holds "forty"'],
      ['an object as a value', 'observations', () => json({ features: { ...batch(), plan: [{ v: 1 }, ...Array(19).fill('pro')] } }), 400, 'invalid_request', 'features.plan', 'an object at row 0'],
      ['true in a numeric column', 'observations', () => json({ features: { ...batch(), income: [true, ...Array(19).fill(1)] } }), 400, 'invalid_request', 'features.income', 'row 0 holds true'],
      ['numbers and text mixed in a reference column', 'reference', () => json({ features: { x: [1, 2, 'a', 3] } }), 400, 'invalid_request', 'features.x', 'mixes numbers (row 0) and text (row 2'],
      // JSON's "\ud800" parses to a lone surrogate, which PostgreSQL's jsonb refuses: a 400, never a 500.
      ['an unpaired surrogate in a categorical value', 'observations', () => raw(JSON.stringify({ features: { ...batch(), plan: ['pro', ...Array(19).fill('basic')] } }).replace('"pro"', '"pro\\ud800"')), 400, 'invalid_request', 'features.plan', 'unpaired surrogate'],
      ['an unpaired surrogate in a name', 'reference', () => raw('{"features": {"a\\udc00b": [1]}}'), 400, 'invalid_request', 'features', 'U+DC00'],
      ['a column name over 100 characters', 'reference', () => json({ features: { [long]: [1] } }), 400, 'invalid_request', 'features', '101 characters'],
      ['a control character in a name', 'reference', () => json({ features: { 'a\u0007b': [1] } }), 400, 'invalid_request', 'features', 'U+0007'],
      ['a bidi override in a name', 'reference', () => json({ features: { 'abc\u202e': [1] } }), 400, 'invalid_request', 'features', 'U+202E'],
      ['__proto__ as a name', 'reference', () => raw('{"features": {"__proto__": [1], "a": [2]}}'), 400, 'invalid_request', 'features', '__proto__'],
      ['a feature named like the predictions', 'reference', () => json({ features: { __prediction: [1] } }), 400, 'invalid_request', 'features', 'reserved'],
      ['501 columns', 'reference', () => json({ features: Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`c${i}`, [i]])) }), 400, 'invalid_request', 'features', '501 columns'],
      ['kinds naming no column', 'reference', () => json({ features: { a: [1] }, kinds: { b: 'categorical' } }), 400, 'invalid_request', 'kinds', '"b"'],
      ['a kind that is not one', 'reference', () => json({ features: { a: [1] }, kinds: { a: 'text' } }), 400, 'invalid_request', 'kinds.a'],
      ['kinds with a batch', 'observations', () => json({ features: batch(), kinds: { age: 'numeric' } }), 400, 'invalid_request', 'kinds'],
      ['a timestamp that is not ISO 8601', 'observations', () => json({ features: batch(), timestamp: 'yesterday' }), 400, 'invalid_request', 'timestamp'],
      ['a timestamp without a zone', 'observations', () => json({ features: batch(), timestamp: '2026-03-01T10:00:00' }), 400, 'invalid_request', 'timestamp'],
      ['a bad timestamp in the query', 'observations', () => raw(toCsv(batch() as Record<string, JsonColumn>), 'text/csv', { query: '?timestamp=soon' }), 400, 'invalid_request', 'timestamp'],
      ['an unknown query parameter', 'observations', () => json({ features: batch() }, { query: '?dry_run=1' }), 400, 'invalid_request', 'dry_run'],
      ['an Idempotency-Key over 255 characters', 'observations', () => json({ features: batch() }, { headers: { 'idempotency-key': 'k'.repeat(256) } }), 400, 'invalid_request', 'Idempotency-Key'],
      ['a CSV row with a missing field', 'observations', () => raw('age,income,plan,region\n1,2,basic,north\n3,4,pro\n', 'text/csv'), 400, 'invalid_csv', 'body', 'line 3'],
      ['a CSV quote never closed', 'observations', () => raw('age,income,plan,region\n1,2,"basic,north\n', 'text/csv'), 400, 'invalid_csv', 'body', 'Quote Not Closed'],
      ['text in a numeric CSV column', 'observations', () => raw('age,income,plan,region\n1,2,basic,north\n3,4,pro,south\nold,5,pro,east\n', 'text/csv'), 400, 'invalid_request', 'features.age', 'line 4 holds "old"'],
      ['a CSV header naming a column twice', 'reference', () => raw('a,b,a\n1,2,3\n', 'text/csv'), 400, 'invalid_csv', 'body', 'twice'],
      ['a CSV header with an empty name', 'reference', () => raw('a,,c\n1,2,3\n', 'text/csv'), 400, 'invalid_csv', 'body', 'column 2'],
      ['a CSV header without rows', 'reference', () => raw('a,b\n', 'text/csv'), 400, 'invalid_request', 'features.a', 'empty'],
      ['a categorical query kind for a numeric one too', 'reference', () => raw('a\n1\n', 'text/csv', { query: '?numeric=a&categorical=a' }), 400, 'invalid_request', 'categorical'],
    ];
    it.each(cases)('%s', async (_what, path, make, status, error, field, says) => {
      const before = await counts();
      const alerts = raised.length;
      const req = make();
      const token = req.token === undefined ? churn.token : req.token || undefined;
      let res: Awaited<ReturnType<typeof call>>;
      if (_what === 'bytes that are not UTF-8') {
        // Latin-1 "é" inside an otherwise fine body: not UTF-8.
        const bytes = Buffer.concat([Buffer.from('{"features": {"age": [1], "caf'), Buffer.from([0xe9]), Buffer.from('": [2]}}')]);
        const r = await fetch(`${h.app.url}/api/v1/projects/churn/${path}`, { method: 'POST', headers: { authorization: `Bearer ${churn.token}`, 'content-type': 'application/json' }, body: bytes });
        res = { status: r.status, json: (await r.json()) as typeof res.json, headers: r.headers };
      } else {
        res = await call('POST', `/projects/churn/${path}${req.query ?? ''}`, { token, body: req.body, rawBody: req.rawBody, headers: req.headers });
      }
      expect(res.status).toBe(status);
      expect(res.json).toMatchObject({ error, field });
      expect(typeof res.json.message).toBe('string');
      if (says) expect(res.json.message).toContain(says);
      expect(await counts()).toEqual(before);
      expect(raised.length).toBe(alerts);
    });
  });

  it('accepts a gzip-compressed body; refuses a corrupt one (400) and an unknown encoding (415), writing nothing', async () => {
    const csv = toCsv(referenceData(200, 90));
    const send = (body: Buffer, encoding: string) =>
      fetch(`${h.app.url}/api/v1/projects/churn/observations`, { method: 'POST', headers: { authorization: `Bearer ${churn.token}`, 'content-type': 'text/csv', 'content-encoding': encoding }, body });
    const ok = await send(gzipSync(csv), 'gzip');
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { rows: number }).rows).toBe(200);
    const before = await counts();
    const corrupt = await send(Buffer.concat([gzipSync(csv).subarray(0, 40), Buffer.from('not gzip at all')]), 'gzip');
    expect(corrupt.status).toBe(400);
    expect(await corrupt.json()).toMatchObject({ error: 'invalid_encoding', field: 'body' });
    // A small body that inflates past the limit is cut off there.
    const bomb = await send(gzipSync(Buffer.alloc(101_000_000, 0x20)), 'gzip');
    expect(bomb.status).toBe(413);
    expect(await bomb.json()).toMatchObject({ error: 'too_large', field: 'body' });
    const unknown = await send(Buffer.from(csv), 'zstd');
    expect(unknown.status).toBe(415);
    expect(await unknown.json()).toMatchObject({ error: 'unsupported_media_type', field: 'Content-Encoding' });
    expect(await counts()).toEqual(before);
  });

  it('answers 413 with a JSON error for a body over 100 MB or over 5,000,000 values, writing nothing', async () => {
    const before = await counts();
    const huge = `{"features": {"age": [${'1,'.repeat(50_000_001)}1]}}`;
    const big = await call('POST', '/projects/churn/observations', { token: churn.token, rawBody: huge });
    expect(big.status).toBe(413);
    expect(big.json).toMatchObject({ error: 'too_large', field: 'body' });
    expect(big.json.message).toContain('100 MB');
    const many = await call('POST', '/projects/churn/observations', { token: churn.token, rawBody: `{"features": {"age": [${'0,'.repeat(5_000_000)}0]}}` });
    expect(many.status).toBe(413);
    expect(many.json).toMatchObject({ error: 'too_large', field: 'features' });
    expect(many.json.message).toContain('5,000,000 values');
    const manyCsv = await call('POST', '/projects/churn/reference', { token: churn.token, rawBody: `a,b\n${'0,0\n'.repeat(2_500_001)}`, headers: { 'content-type': 'text/csv' } });
    expect(manyCsv.status).toBe(413);
    expect(manyCsv.json).toMatchObject({ error: 'too_large' });
    expect(await counts()).toEqual(before);
  });

  it('evaluates a 1,000,000-value batch in a worker thread while the server keeps answering', async () => {
    await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'sensor', channelId: 'C0SENSOR', ownerId: OWNER, now: h.clock.now() });
    const sensor = await tokenFor(h, OWNER, 'C0SENSOR', 'sensor');
    const n = 1_000_000;
    const reference = normals(rng(80), n, 20, 2);
    const current = normals(rng(81), n, 20.05, 2);
    const ref = await call('POST', '/projects/sensor/reference', { token: sensor.token, body: { features: { temperature: reference } } });
    expect(ref.status).toBe(201);
    let done = false;
    const batch = call('POST', '/projects/sensor/observations', { token: sensor.token, body: { features: { temperature: current } } }).finally(() => (done = true));
    const answeredMeanwhile: number[] = [];
    while (!done) {
      const res = await fetch(`${h.app.url}/healthz`);
      if (!done) answeredMeanwhile.push(res.status);
      await new Promise((r) => setTimeout(r, 20));
    }
    const res = await batch;
    expect(res.status).toBe(201);
    expect(answeredMeanwhile.length).toBeGreaterThan(0);
    expect(answeredMeanwhile.every((s) => s === 200)).toBe(true);
    const expected = evaluateDataset({ temperature: { reference: Float64Array.from(reference), current: Float64Array.from(current) } });
    expect(res.json.columns).toEqual(JSON.parse(JSON.stringify(expected.columns)));
    expect(res.json.columns).toMatchObject([{ test: 'wasserstein', nReference: n, nCurrent: n }]);
  });

  it('describes the drift routes in the OpenAPI document, and the reports match it', async () => {
    const doc = (await call('GET', '/openapi.json')).json as unknown as { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, object> } };
    expect(Object.keys(doc.paths['/projects/{slug}/reference']!)).toEqual(['post']);
    expect(Object.keys(doc.paths['/projects/{slug}/observations']!)).toEqual(['post']);
    expect(Object.keys(doc.paths['/projects/{slug}/drift']!)).toEqual(['get']);
    const validate = new Ajv2020({ strict: false }).compile(doc.components.schemas.DriftReport!);
    const latest = await call('GET', '/projects/churn/drift', { token: churn.token });
    expect(validate(latest.json)).toBe(true);
    const input = new Ajv2020({ strict: false }).compile(doc.components.schemas.DriftObservationsInput!);
    expect(input({ features: { a: [1, null, 'NaN'] }, timestamp: '2026-01-01T00:00:00Z' })).toBe(true);
    expect(input({ features: { a: [1] }, kinds: {} })).toBe(false);
  });

  it('raised the alert exactly once for every stored batch', async () => {
    const ids = (await h.database.db.select({ id: driftBatches.id }).from(driftBatches)).map((r) => r.id).sort((a, b) => a - b);
    expect([...raised].sort((a, b) => a - b)).toEqual(ids);
  });
});
