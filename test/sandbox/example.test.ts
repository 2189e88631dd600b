import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExample } from '../../src/sandbox/example.js';
import type { StoredMessage } from '../../src/sandbox/emulator/store.js';
import { EXAMPLE_CAST } from '../../src/sandbox/roster.js';
import { TestClock } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { buttonLabels } from '../helpers/gates.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { api, tokenFor } from '../helpers/runs.js';

/** Sandbox mode runs on the wall clock, its job runner on its own heartbeat: so does this test. */
class WallClock extends TestClock {
  override now(): Date {
    return new Date();
  }
}

const { channel: CHANNEL, owner: OWNER, stakeholders: STAKEHOLDERS } = EXAMPLE_CAST;

interface ApiRun {
  name: string;
  source: 'slack' | 'api';
  metrics: Record<string, number>;
}

describe.each(databaseKinds())('Load example (%s)', (kind) => {
  let h: Harness;
  // The app's error lines: loading an example must not log any.
  const errors: string[] = [];
  beforeAll(async () => {
    h = await bootApp(kind, { clock: new WallClock(), start: { runJobs: true, logDestination: { write: (line: string) => void errors.push(line) } } });
  });
  afterAll(async () => h?.close());

  const posts = () => h.slack.store.channelMessages(CHANNEL).filter((m) => m.botId);
  const post = (prefix: string) => posts().find((m) => m.text.startsWith(prefix));
  const replies = (m: StoredMessage) => h.slack.store.threadReplies(m.channel, m.ts).filter((r) => r.botId);
  const blocksText = (m: StoredMessage) => JSON.stringify(m.blocks ?? []);
  const runsOf = async (slug: string): Promise<ApiRun[]> => {
    const { token } = await tokenFor(h, OWNER, CHANNEL, slug);
    const res = await api(h)('GET', `/projects/${slug}/runs?limit=100`, { token });
    expect(res.status).toBe(200);
    return (res.json.runs as ApiRun[]).reverse();
  };

  it('makes a card-fraud project a person can look at: brief, gates, runs and leaderboard, a check-in, a drift alert', async () => {
    const loaded = await loadExample({ api: h.slack, people: h.people, appUrl: h.app.url });
    expect(loaded).toEqual({ slug: 'fraud-detection', channel: CHANNEL });

    // The intake thread ends with the Design brief: the metrics as targets, the stakeholders as mentions.
    const intake = post('Design intake for fraud-detection,')!;
    const brief = replies(intake).find((m) => m.blocks?.some((b) => b.type === 'header' && (b.text as { text: string }).text === 'Design brief'));
    expect(brief).toBeDefined();
    expect(brief!.text).toBe('Design brief for fraud-detection: auc >= 0.9, recall_at_1pct_fpr >= 0.75, latency_p95_ms <= 120');
    for (const id of STAKEHOLDERS) expect(blocksText(brief!)).toContain(`<@${id}>`);

    // The design gate, voted through by the three stakeholders.
    const designGate = post('Go/no-go for fraud-detection (design → development)')!;
    expect(replies(designGate).map((m) => m.text)).toContainEqual(expect.stringMatching(/^GO for fraud-detection design → development: Go 3/));

    // Twelve runs: ten from CI, two typed with /mlops run; each has its summary in the day's experiments thread.
    const runs = await runsOf('fraud-detection');
    expect(runs).toHaveLength(12);
    expect(runs.filter((r) => r.source === 'slack').map((r) => r.name)).toEqual(['xgb-velocity', 'lgbm-tuned']);
    const experiments = post(':test_tube: Experiment runs for fraud-detection on ')!;
    expect(replies(experiments).filter((m) => / in fraud-detection: /.test(m.text))).toHaveLength(12);
    expect(posts().filter((m) => / in fraud-detection: /.test(m.text))).toHaveLength(0);
    // Its root keeps the day's count and best run, redrawn as runs arrived.
    expect(h.slack.store.find(CHANNEL, experiments.ts)!.text).toMatch(/ — 12 runs · best auc 0\.9\d+ \(lgbm-tuned-2400\) · target ≥ 0\.9 met$/);
    // lgbm-tuned is the first run to meet every target.
    const tuned = replies(experiments).find((m) => m.text.startsWith('lgbm-tuned in fraud-detection: '))!;
    expect(blocksText(tuned)).toContain('Every target is met');

    // The leaderboard by the first success metric, shared by the scientist from their private answer, its chart (a PNG) in the thread.
    const board = post('fraud-detection leaderboard by auc')!;
    expect(board).toBeDefined();
    const chart = replies(board).flatMap((m) => m.files ?? [])[0];
    expect(chart?.filename).toMatch(/\.png$/);
    expect(chart?.bytes?.subarray(1, 4).toString()).toBe('PNG');

    // The deployment gate, open, with one Go in.
    const gate = post('Go/no-go for fraud-detection (development → deployment)')!;
    expect(gate.text).toContain('Ship lgbm-tuned to production');
    expect(gate.text).toContain('Go 1, No-go 0, Abstain 0');
    expect(buttonLabels(gate)).toEqual(expect.arrayContaining(['Go', 'No-go', 'Abstain']));

    // A viability check-in waiting for answers.
    const checkin = post('Viability check-in for fraud-detection: ')!;
    expect(buttonLabels(checkin)).toEqual(expect.arrayContaining(['On track', 'At risk', 'Not viable']));

    // The drift alert thread, with its chart.
    const alert = post('Drift alert (')!;
    expect(alert.text).toContain('for fraud-detection: ');
    expect(buttonLabels(alert)).toEqual(expect.arrayContaining(['Acknowledge', 'Resolve', 'Snooze 24h']));
    expect(replies(alert).some((m) => m.files?.length)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('a second load makes fraud-detection-2, with the same runs (seeded)', async () => {
    const loaded = await loadExample({ api: h.slack, people: h.people, appUrl: h.app.url });
    expect(loaded.slug).toBe('fraud-detection-2');
    expect(post('Go/no-go for fraud-detection-2 (development → deployment)')).toBeDefined();
    expect(post('Drift alert (')).toBeDefined();
    expect(posts().filter((m) => m.text.startsWith('Drift alert (') && m.text.includes('for fraud-detection-2: '))).toHaveLength(1);
    const metrics = (runs: ApiRun[]) => runs.map((r) => [r.name, r.metrics]);
    expect(metrics(await runsOf('fraud-detection-2'))).toEqual(metrics(await runsOf('fraud-detection')));
    expect(errors).toEqual([]);
  });

  it('a step that fails says what did not happen, and why when the app said: here Slack refuses the intake thread', async () => {
    h.slack.injectFault({ method: 'chat.postMessage', times: 100, error: 'not_in_channel' });
    try {
      const load = loadExample({ api: h.slack, people: h.people, appUrl: h.app.url }, { timeoutMs: 3000 });
      await expect(load).rejects.toThrow(/^Load example stopped: the intake thread for fraud-detection-3 did not appear within 3 s\. The app told Ada: I could not start the intake thread here \(Slack said `not_in_channel`\)/);
    } finally {
      h.slack.clearFaults();
    }
  });
});
