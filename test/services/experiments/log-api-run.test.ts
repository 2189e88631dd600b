import { eq, inArray, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectRow } from '../../../src/db/repositories/projects.js';
import { outbox, runMetrics, runs, timers } from '../../../src/db/schema/index.js';
import { logApiRun } from '../../../src/services/experiments/post-api-summary.js';
import { RUN_NARRATIVE_TIMER } from '../../../src/services/experiments/run-narrative.js';
import { databaseKinds } from '../../helpers/db.js';
import { bootApp, type Harness } from '../../helpers/harness.js';
import { projectWithTargets } from '../../helpers/runs.js';

const run = (n: number, key?: string, auc = 0.5 + n / 1000) => ({
  name: `r${n}`,
  authorId: 'token:abc',
  source: 'api' as const,
  metrics: { auc, f1: 0.5 },
  params: { seed: String(n) },
  idempotencyKey: key ?? null,
  requestHash: key ? `hash-${auc}` : null,
  now: new Date('2026-11-29T12:00:00Z'),
});

/** Concurrent API runs share transactions (group commit); each request still gets its own outcome. */
describe.each(databaseKinds())('logging API runs in batches (%s)', (kind) => {
  let h: Harness;
  let a: ProjectRow;
  let b: ProjectRow;

  beforeAll(async () => {
    h = await bootApp(kind);
    const now = h.clock.now();
    a = await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'batch-a', channelId: 'C0BATCHA', ownerId: 'U0A', now });
    b = await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'batch-b', channelId: 'C0BATCHB', ownerId: 'U0A', now });
  });
  afterAll(async () => h?.close());

  it('writes concurrent runs of several projects, one summary each in its project’s thread of the day; a repeated key is a replay or a conflict', async () => {
    const deps = h.app.deps;
    const results = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => logApiRun(deps, i % 2 ? a : b, run(i))),
      logApiRun(deps, a, run(100, 'k-1', 0.7)),
      logApiRun(deps, a, run(101, 'k-1', 0.7)),
      logApiRun(deps, a, run(102, 'k-1', 0.9)),
      // The same key in another project is another run.
      logApiRun(deps, b, run(103, 'k-1', 0.7)),
    ]);
    expect(results.slice(0, 20).every((r) => r.kind === 'created')).toBe(true);
    const keyed = results.slice(20);
    expect(keyed.map((r) => r.kind).sort()).toEqual(['conflict', 'created', 'created', 'replayed']);
    expect(keyed[0]!.run.id).toBe(keyed[1]!.run.id);
    expect(keyed[2]!.run.id).toBe(keyed[0]!.run.id);
    expect(keyed[3]!.run.id).not.toBe(keyed[0]!.run.id);
    expect(keyed[0]!.run).toMatchObject({ projectId: a.id, metrics: { auc: 0.7, f1: 0.5 }, params: { seed: expect.any(String) }, idempotencyKey: 'k-1' });

    const ids = [...new Set(results.map((r) => r.run.id))];
    expect(ids).toHaveLength(22);
    expect(await h.database.db.select().from(runs).where(inArray(runs.id, ids))).toHaveLength(22);
    expect(await h.database.db.select().from(runMetrics).where(inArray(runMetrics.runId, ids))).toHaveLength(44);
    const roots = await h.database.db.select().from(outbox).where(like(outbox.dedupeKey, 'runs-thread:%'));
    expect(roots.map((r) => r.channelId).sort()).toEqual(['C0BATCHA', 'C0BATCHB']);
    const summaries = await h.database.db.select().from(outbox).where(like(outbox.dedupeKey, 'run-summary:%'));
    expect(summaries.map((s) => s.dedupeKey).sort()).toEqual(ids.map((id) => `run-summary:${id}`).sort());
    for (const s of summaries) {
      const r = results.find((x) => `run-summary:${x.run.id}` === s.dedupeKey)!.run;
      expect(s.parentId).toBe(roots.find((root) => root.channelId === (r.projectId === a.id ? 'C0BATCHA' : 'C0BATCHB'))!.id);
      expect(s.payload).toMatchObject({ render: { kind: 'run-summary', runId: r.id, projectId: r.projectId } });
    }
  });

  it('with an LLM, each run written in a batch gets its narrative timer, pointing at its own summary', async () => {
    const deps = h.app.deps;
    deps.llm = { structured: () => Promise.reject(new Error('unused')), text: () => Promise.resolve('unused') };
    try {
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => logApiRun(deps, b, run(400 + i))));
      const ids = results.map((r) => r.run.id);
      const due = await h.database.db.select().from(timers).where(eq(timers.kind, RUN_NARRATIVE_TIMER));
      const summaries = await h.database.db.select().from(outbox).where(like(outbox.dedupeKey, 'run-summary:%'));
      for (const id of ids) {
        const timer = due.find((t) => t.ref === `run:${id}`)!;
        expect(timer.payload).toEqual({ projectId: b.id, summaryOutboxId: summaries.find((s) => s.dedupeKey === `run-summary:${id}`)!.id });
      }
    } finally {
      deps.llm = null;
    }
  });

  it('a request that fails does not fail the others written with it', async () => {
    const deps = h.app.deps;
    const gone = { ...a, id: 999_999_999 };
    const settled = await Promise.allSettled([...Array.from({ length: 8 }, (_, i) => logApiRun(deps, a, run(200 + i))), logApiRun(deps, gone, run(300)), logApiRun(deps, a, run(301))]);
    expect(settled.map((s) => s.status)).toEqual([...Array(8).fill('fulfilled'), 'rejected', 'fulfilled']);
    const written = await h.database.db.select().from(runs).where(eq(runs.projectId, a.id));
    expect(written.filter((r) => /^r(20\d|301)$/.test(r.name ?? ''))).toHaveLength(9);
  });
});
