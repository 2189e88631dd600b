import { jitter, type Random, round, sha } from './random.js';
import { type Stage, stopped } from './stage.js';

/** One experiment as the team ran it: the model, what changed, and roughly how it scored. */
interface Plan {
  name: string;
  /** Logged by the data scientist with `/mlops run` from a notebook; the rest come from CI through the API. */
  viaSlack?: boolean;
  params: Record<string, string>;
  dataset: string;
  auc: number;
  recall: number;
  latencyMs: number;
  note?: string;
}

const V1 = 'auths-2023h2-v1';
const V2 = 'auths-2023h2-v2';
const V3 = 'auths-2024h1-v3';

/**
 * A dozen runs that improve the way real ones do — with detours: deeper trees overfit, the biggest
 * model misses the latency budget. The first to meet every target (auc ≥ 0.90,
 * recall_at_1pct_fpr ≥ 0.75, latency_p95_ms ≤ 120) is lgbm-tuned; the seeded noise below is
 * smaller than every margin, so that stays true.
 */
const PLANS: readonly Plan[] = [
  { name: 'lr-baseline', dataset: V1, auc: 0.842, recall: 0.52, latencyMs: 18, params: { model: 'logistic_regression', C: '1.0', class_weight: 'balanced', features: 'base' }, note: 'Baseline to beat: the rules catch 55% at 3% FPR.' },
  { name: 'rf-300', dataset: V1, auc: 0.867, recall: 0.6, latencyMs: 64, params: { model: 'random_forest', n_estimators: '300', max_depth: '12', class_weight: 'balanced', features: 'base' } },
  { name: 'xgb-d6', dataset: V1, auc: 0.881, recall: 0.64, latencyMs: 41, params: { model: 'xgboost', learning_rate: '0.1', max_depth: '6', n_estimators: '400', scale_pos_weight: '50', features: 'base' } },
  { name: 'xgb-d8', dataset: V1, auc: 0.878, recall: 0.63, latencyMs: 52, params: { model: 'xgboost', learning_rate: '0.1', max_depth: '8', n_estimators: '400', scale_pos_weight: '50', features: 'base' }, note: 'Deeper trees overfit the 2023 fraud rings.' },
  { name: 'xgb-velocity', viaSlack: true, dataset: V2, auc: 0.894, recall: 0.69, latencyMs: 47, params: { model: 'xgboost', learning_rate: '0.1', max_depth: '6', n_estimators: '400', features: 'base+velocity' }, note: 'Velocity features: card spend and count over 1h and 24h.' },
  { name: 'xgb-velocity-lr05', dataset: V2, auc: 0.899, recall: 0.705, latencyMs: 63, params: { model: 'xgboost', learning_rate: '0.05', max_depth: '6', n_estimators: '800', features: 'base+velocity' } },
  { name: 'lgbm-v1', dataset: V2, auc: 0.903, recall: 0.715, latencyMs: 38, params: { model: 'lightgbm', learning_rate: '0.05', num_leaves: '63', n_estimators: '800', features: 'base+velocity' } },
  { name: 'lgbm-device', dataset: V3, auc: 0.911, recall: 0.735, latencyMs: 44, params: { model: 'lightgbm', learning_rate: '0.05', num_leaves: '63', n_estimators: '800', features: 'base+velocity+device' }, note: 'Adds 3DS device fingerprint features.' },
  { name: 'lgbm-device-d10', dataset: V3, auc: 0.907, recall: 0.726, latencyMs: 57, params: { model: 'lightgbm', learning_rate: '0.05', num_leaves: '63', max_depth: '10', n_estimators: '800', features: 'base+velocity+device' } },
  { name: 'lgbm-tuned', viaSlack: true, dataset: V3, auc: 0.917, recall: 0.768, latencyMs: 96, params: { model: 'lightgbm', learning_rate: '0.03', num_leaves: '127', n_estimators: '1200', features: 'base+velocity+device' }, note: 'Optuna, 200 trials on the Q1 validation month.' },
  { name: 'lgbm-tuned-2400', dataset: V3, auc: 0.919, recall: 0.776, latencyMs: 143, params: { model: 'lightgbm', learning_rate: '0.03', num_leaves: '127', n_estimators: '2400', features: 'base+velocity+device' }, note: 'Twice the trees: a little better, over the latency budget.' },
  { name: 'lgbm-distilled', dataset: V3, auc: 0.915, recall: 0.758, latencyMs: 71, params: { model: 'lightgbm', learning_rate: '0.05', num_leaves: '63', n_estimators: '600', features: 'base+velocity+device', distilled_from: 'lgbm-tuned' }, note: 'Distilled from lgbm-tuned to cut p95 latency.' },
];

export interface ExampleRun {
  name: string;
  viaSlack: boolean;
  metrics: Record<string, number>;
  params: Record<string, string>;
  dataset: string;
  commit: string;
  note?: string;
}

/** The runs with their seeded noise: the same numbers on every load. */
export function exampleRuns(rand: Random): ExampleRun[] {
  return PLANS.map((p) => {
    const auc = round(p.auc + jitter(rand, 0.002), 4);
    const recall = round(p.recall + jitter(rand, 0.004), 3);
    const latency = Math.round(p.latencyMs + jitter(rand, 4));
    // Log loss falls as the model separates better; noisy on its own.
    const logloss = round(0.055 - 0.4 * (auc - 0.84) + jitter(rand, 0.0015), 4);
    return { name: p.name, viaSlack: p.viaSlack ?? false, metrics: { auc, recall_at_1pct_fpr: recall, latency_p95_ms: latency, logloss }, params: p.params, dataset: p.dataset, commit: sha(rand), note: p.note };
  });
}

/** The first run that meets every target of the example's brief: the one the deployment gate is about. */
export function firstToMeetTargets(runs: readonly ExampleRun[]): ExampleRun {
  const met = runs.find((r) => r.metrics.auc! >= 0.9 && r.metrics.recall_at_1pct_fpr! >= 0.75 && r.metrics.latency_p95_ms! <= 120);
  if (!met) throw stopped('the example runs meet no target (a bug in the example data).');
  return met;
}

/** `/mlops run` as a data scientist types it from a notebook. */
function runCommand(slug: string, r: ExampleRun): string {
  const metrics = Object.entries(r.metrics).map(([k, v]) => `${k}=${v}`);
  const params = Object.entries(r.params).map(([k, v]) => `--param ${k}=${v}`);
  return [`run ${slug}`, ...metrics, ...params, `--dataset ${r.dataset}`, `--commit ${r.commit}`, `--name ${r.name}`, ...(r.note ? [`--note "${r.note}"`] : [])].join(' ');
}

/**
 * Logs the runs in order — most from CI through the API, a couple by the scientist with
 * `/mlops run` — each once its predecessor's summary is posted, so the day's experiments thread
 * reads in order; then the scientist asks for the leaderboard with `/mlops runs`, which answers
 * only them, and shares it: it is posted in the channel with its chart.
 */
export async function logRuns(stage: Stage, slug: string, scientist: string, runs: readonly ExampleRun[]): Promise<void> {
  for (const r of runs) {
    if (r.viaSlack) {
      await stage.command(scientist, runCommand(slug, r), /Logged/);
    } else {
      const body = { name: r.name, metrics: r.metrics, params: r.params, dataset: r.dataset, commit: r.commit, ...(r.note ? { note: r.note } : {}) };
      await stage.api('POST', `/projects/${slug}/runs`, body, { 'idempotency-key': `ci-${slug}-${r.name}` });
    }
    await stage.waitFor(`the summary of run ${r.name}`, () => stage.store.messages.find((m) => m.channel === stage.channel && m.botId !== undefined && m.text.startsWith(`${r.name} in ${slug}:`)));
  }
  await stage.command(scientist, `runs ${slug}`, new RegExp(`^${slug} leaderboard by `));
  await stage.clickInOwnReply(scientist, 'Share to channel', /Shared the/);
  const board = await stage.waitFor(`the ${slug} leaderboard`, () => stage.channelPost((m) => m.text.startsWith(`${slug} leaderboard by `)));
  await stage.waitFor(`the ${slug} leaderboard's chart`, () => stage.botReplies(board).find((m) => m.files?.length));
}
