import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driftBatches, runs } from '../../src/db/schema/index.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { projectWithTargets, tokenFor } from '../helpers/runs.js';

const run = promisify(execFile);
const PYTHON = process.env.PYTHON ?? 'python3';
const CLIENT_DIR = path.resolve(import.meta.dirname, '../../clients/python');

/** Python 3 on this machine? CI sets REQUIRE_PYTHON, so there a missing interpreter fails instead of skipping. */
async function havePython(): Promise<boolean> {
  try {
    const { stdout } = await run(PYTHON, ['-c', 'import sys; print(sys.version_info[0])']);
    return stdout.trim() === '3';
  } catch {
    if (process.env.REQUIRE_PYTHON) throw new Error(`REQUIRE_PYTHON is set but ${PYTHON} did not run`);
    return false;
  }
}

const python = await havePython();

/** Runs the client's unittest suite; resolves with its output, or rejects with it when a test fails. */
async function unittest(env: Record<string, string>): Promise<string> {
  try {
    const { stderr } = await run(PYTHON, ['-m', 'unittest', 'discover', '-v', '-s', 'tests'], { cwd: CLIENT_DIR, env: { ...process.env, ...env }, timeout: 120_000 });
    return stderr; // unittest reports on stderr
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`the Python client's tests failed:\n${e.stderr ?? e.message}`, { cause: err });
  }
}

describe.skipIf(!python).each(databaseKinds())('the Python client against the running app (%s)', (kind) => {
  let h: Harness;
  let output: string;
  let projectId: number;

  beforeAll(async () => {
    h = await bootApp(kind);
    const now = h.clock.now();
    projectId = (await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'py-churn', channelId: 'C0CHURN', ownerId: 'U0OWNER', now, targets: [{ name: 'val/auc', direction: 'maximize', target: 0.9 }], phase: 'development' })).id;
    const { token } = await tokenFor(h, 'U0OWNER', 'C0CHURN', 'py-churn');
    output = await unittest({ MLOPS_TEST_URL: h.app.url, MLOPS_TEST_TOKEN: token, MLOPS_TEST_SLUG: 'py-churn' });
  }, 180_000);
  afterAll(async () => h?.close());

  it('runs every test of the client, none skipped for want of an app', () => {
    expect(existsSync(path.join(CLIENT_DIR, 'tests', 'test_live.py'))).toBe(true);
    expect(output).toMatch(/^OK$/m);
    expect(output).not.toMatch(/skipped 'no running app/);
    expect(output).toMatch(/test_a_reference_and_a_drifted_batch_give_a_report_that_drifts .*\.\.\. ok/);
  });

  it("stores the client's run once despite its replay, with everything it sent, and posts its summary", async () => {
    const stored = await h.database.db.select().from(runs).where(eq(runs.projectId, projectId));
    const mine = stored.filter((r) => r.name === 'py-client-run');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ dataset: 's3://bucket/train-2026-11', commitSha: '0123abcd', url: 'https://mlflow.example.com/#/runs/42', note: 'from the Python client', tags: { branch: 'main' } });
    // The conflicting second body under the same key wrote nothing: one 0.5 run, no 0.6 run.
    expect(stored.filter((r) => r.idempotencyKey === 'py-live-2')).toHaveLength(1);

    await h.app.jobs.tick(h.clock.now());
    await h.app.jobs.tick(h.clock.now());
    const summary = h.slack.store.messages.find((m) => m.channel === 'C0CHURN' && JSON.stringify(m.blocks ?? []).includes('py-client-run'));
    expect(summary, 'the run summary in the project channel').toBeDefined();
    expect(JSON.stringify(summary!.blocks)).toContain('0.912');
  });

  it('stores the batch the client sent (a NaN among its 301 rows) as drifted', async () => {
    const batches = await h.database.db.select().from(driftBatches).where(eq(driftBatches.projectId, projectId));
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ rows: 301, datasetDrift: true });
  });
});
