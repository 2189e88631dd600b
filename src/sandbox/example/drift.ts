import { normal, pick, type Random, round } from './random.js';
import { type Stage, stopped } from './stage.js';

const CATEGORIES = ['grocery', 'restaurants', 'fuel', 'travel', 'electronics', 'online_marketplace', 'gift_cards'] as const;
const ENTRY_MODES = ['chip', 'contactless', 'online', 'swipe'] as const;

/**
 * How the traffic looks. The shifted batch is a gift-card fraud wave in the holiday season:
 * larger amounts, far more gift cards and electronics bought online, and the model scoring higher
 * as a result; the hour, the velocity and the distance from home stay as they were.
 */
interface Traffic {
  logAmount: [number, number];
  categories: readonly number[];
  entryModes: readonly number[];
  /** The model's score is sigmoid(normal(mean, sd)). */
  logit: [number, number];
}

const USUAL: Traffic = { logAmount: [3.6, 1.0], categories: [30, 18, 14, 8, 10, 16, 4], entryModes: [40, 32, 22, 6], logit: [-4.2, 1.1] };
const FRAUD_WAVE: Traffic = { logAmount: [4.3, 1.1], categories: [18, 12, 8, 8, 20, 18, 16], entryModes: [22, 20, 52, 6], logit: [-3.3, 1.3] };

const hour = (rand: Random) => Math.floor(((normal(rand, 14, 5) % 24) + 24) % 24);

function sample(rand: Random, rows: number, t: Traffic) {
  const amount: number[] = [];
  const hourOfDay: number[] = [];
  const category: string[] = [];
  const entryMode: string[] = [];
  const count24h: number[] = [];
  const distanceKm: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i < rows; i++) {
    amount.push(round(Math.exp(normal(rand, ...t.logAmount)), 2));
    hourOfDay.push(hour(rand));
    category.push(pick(rand, CATEGORIES, t.categories));
    entryMode.push(pick(rand, ENTRY_MODES, t.entryModes));
    count24h.push(Math.max(0, Math.round(normal(rand, 3, 2))));
    distanceKm.push(round(Math.exp(normal(rand, 2.2, 1.2)), 1));
    scores.push(round(1 / (1 + Math.exp(-normal(rand, ...t.logit))), 4));
  }
  return {
    features: { amount_usd: amount, hour_of_day: hourOfDay, merchant_category: category, entry_mode: entryMode, txn_count_24h: count24h, distance_from_home_km: distanceKm },
    predictions: scores,
  };
}

/**
 * Production monitoring as a team wires it: a reference sample of the traffic the model was
 * validated on, then a batch of today's traffic with the fraud wave in it, through the HTTP API.
 * The app finds the drift and opens an alert thread in the channel.
 */
export async function sendDriftedTraffic(stage: Stage, slug: string, rand: Random): Promise<void> {
  await stage.api('POST', `/projects/${slug}/reference`, sample(rand, 1500, USUAL));
  const report = await stage.api('POST', `/projects/${slug}/observations`, sample(rand, 600, FRAUD_WAVE), { 'idempotency-key': `monitor-${slug}-1` });
  if (!report.nDrifted) throw stopped(`the example's drifted batch was not found drifting (report: ${JSON.stringify(report).slice(0, 200)}).`);
  const alert = await stage.waitFor(`the ${slug} drift alert`, () => stage.channelPost((m) => m.text.startsWith('Drift alert (') && m.text.includes(` for ${slug}: `)));
  await stage.waitFor(`the ${slug} drift alert's chart`, () => stage.botReplies(alert).find((m) => m.files?.length));
}
