import { afterAll, describe, expect, it } from 'vitest';
import { createEvaluationPool, defaultPoolSize } from '../../../src/services/drift/evaluation-pool.js';
import { runDriftTask, type DriftTask, type StoredColumn } from '../../../src/services/drift/evaluation-tasks.js';
import { normals, rng } from '../../helpers/drift-samples.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const encode = (v: unknown) => [new TextEncoder().encode(JSON.stringify(v))];

describe('the drift evaluation pool', () => {
  const pool = createEvaluationPool({ size: 2, maxQueue: 3, log: quiet });
  afterAll(() => pool.close());

  it('is sized from the machine: 1 to 4 threads', () => {
    expect(defaultPoolSize()).toBeGreaterThanOrEqual(1);
    expect(defaultPoolSize()).toBeLessThanOrEqual(4);
  });

  it('loads the TypeScript worker and gives what the same task gives inline; the reference comes back in shared memory', async () => {
    const values = normals(rng(1), 20_000, 5, 2);
    const refTask: DriftTask = { type: 'reference', body: encode({ features: { x: values, c: values.map((v) => (v > 5 ? 'hi' : 'lo')) } }), media: 'json', options: {} };
    const pooled = await pool.run(refTask);
    const inline = runDriftTask({ ...refTask, body: encode({ features: { x: values, c: values.map((v) => (v > 5 ? 'hi' : 'lo')) } }) });
    expect(pooled).toEqual(inline);
    if (!pooled.ok) throw new Error('refused');
    const [x, c] = pooled.value.columns;
    expect(x!.numeric!.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Buffer.from(c!.categorical!).toString()).toBe(JSON.stringify(values.map((v) => (v > 5 ? 'hi' : 'lo'))));

    const reference: StoredColumn[] = pooled.value.columns.map(({ name, role, kind, numeric, categorical }) => ({ name, role, kind, numeric, categorical }));
    const current = normals(rng(2), 30_000, 5.3, 2);
    const batch = (): Extract<DriftTask, { type: 'batch' }> => ({ type: 'batch', body: encode({ features: { x: current, c: current.map((v) => (v > 5 ? 'hi' : 'lo')) } }), media: 'json', options: {}, reference, settings: {}, targets: [] });
    const body = batch().body;
    const scored = await pool.run({ ...batch(), body }, body.map((b) => b.buffer as ArrayBuffer));
    // Transferred: the caller's copy of the body is gone.
    expect(body[0]!.byteLength).toBe(0);
    expect(scored).toEqual(runDriftTask(batch()));
    expect(scored.ok && scored.value.score.drift.columns[0]).toMatchObject({ name: 'x', test: 'wasserstein', drifted: true });
  });

  it('answers a refused input as an outcome, not an error', async () => {
    const outcome = await pool.run({ type: 'reference', body: encode({ features: { x: [1, 'a'] } }), media: 'json', options: {} });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid_request', field: 'features.x' } });
  });

  it('fails a task that throws, and keeps serving', async () => {
    const broken = { type: 'batch', body: encode({ features: { x: [1] } }), media: 'json', options: {}, reference: [{ name: 'x', role: 'feature', kind: 'numeric' }], settings: {}, targets: [] } as DriftTask;
    await expect(pool.run(broken)).rejects.toThrow(/drift evaluation failed/);
    const ok = await pool.run({ type: 'reference', body: encode({ features: { x: [1, 2] } }), media: 'json', options: {} });
    expect(ok.ok).toBe(true);
  });

  it('says busy past its queue bound, and refuses work once closed', async () => {
    const small = pool;
    const task = (): DriftTask => ({ type: 'reference', body: encode({ features: { x: normals(rng(3), 200_000) } }), media: 'json', options: {} });
    // 2 running + 3 queued fit; the sixth is refused.
    const runs = Array.from({ length: 6 }, () => small.run(task()).then(() => 'done', (e: Error) => e.message));
    const results = await Promise.all(runs);
    expect(results.filter((r) => r === 'done')).toHaveLength(5);
    expect(results.filter((r) => r.includes('busy'))).toHaveLength(1);

    const closing = createEvaluationPool({ size: 1, log: quiet });
    const pending = expect(closing.run(task())).rejects.toThrow(/closed/);
    await closing.close();
    await pending;
    await expect(closing.run(task())).rejects.toThrow(/closed/);
  });
});
