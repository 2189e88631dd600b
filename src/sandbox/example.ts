import { openDeploymentGate, passDesignGate, startCheckins } from './example/decisions.js';
import { sendDriftedTraffic } from './example/drift.js';
import { runIntake } from './example/intake.js';
import { seeded } from './example/random.js';
import { exampleRuns, firstToMeetTargets, logRuns } from './example/runs.js';
import { type ExampleWorkspace, Stage, stopped } from './example/stage.js';
import { EXAMPLE_CAST, SANDBOX_PEOPLE } from './roster.js';

export type { ExampleWorkspace } from './example/stage.js';

export interface ExampleOptions {
  /** Seeds the runs' noise and the drift data (default 7): the same seed makes the same project. */
  seed?: number;
  /** How long to wait for each message the app posts (default 20 s). */
  timeoutMs?: number;
  /** Called as each step starts, for a progress line on the page. */
  onStep?: (step: string) => void;
}

export interface LoadedExample {
  slug: string;
  channel: string;
}

const BASE_SLUG = 'fraud-detection';

/**
 * "Load example": a card-fraud project in #fraud-detection, made only the way people and CI make
 * one — signed Slack requests from the cast of roster.ts, and the HTTP API with the project's
 * token. In order: the owner's intake answered until the Design brief; the design gate requested
 * and voted through by the stakeholders; a token; a dozen runs (most from CI, two typed by the
 * data scientist) and the leaderboard; the deployment gate opened with one vote in; weekly
 * viability check-ins with one posted now; a reference sample and a drifted batch that open a
 * drift alert. Drift alerts do not depend on the phase: the batch is live traffic the candidate
 * model scores in shadow mode while the deployment vote is still open.
 *
 * The slug is `fraud-detection`, or `-2`, `-3`… when taken. A step that fails throws an Error
 * whose message says what did not happen, for the page to show as it is.
 */
export async function loadExample(ws: ExampleWorkspace, opts: ExampleOptions = {}): Promise<LoadedExample> {
  // One load at a time per workspace: a step waits for "the next reply this person sees", which a
  // concurrent load in the same channel, with the same people, would confuse.
  const previous = loading.get(ws.api) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(() => load(ws, opts));
  loading.set(ws.api, mine);
  return mine;
}

const loading = new WeakMap<ExampleWorkspace['api'], Promise<unknown>>();

async function load(ws: ExampleWorkspace, opts: ExampleOptions): Promise<LoadedExample> {
  const cast = EXAMPLE_CAST;
  const rand = seeded(opts.seed ?? 7);
  const step = opts.onStep ?? (() => undefined);
  const stage = new Stage(ws, cast.channel, opts.timeoutMs ?? 20_000);
  // The cast are people of this workspace (users.info shows their names and zones).
  for (const p of SANDBOX_PEOPLE) if (!ws.api.users.has(p.id)) ws.api.addUser(p.id, p.name, p.tz);

  step('Design intake');
  const { slug, brief } = await runIntake(stage, BASE_SLUG, cast);

  step('Design gate');
  await passDesignGate(stage, slug, brief, cast.owner, cast.stakeholders);

  step('Experiment runs');
  const reply = await stage.command(cast.owner, `token ${slug}`, /mlops_/);
  stage.token = /(mlops_[a-z0-9]+_[A-Za-z0-9_-]+)/.exec(reply)?.[1] ?? null;
  if (!stage.token) throw stopped(`no token in the answer to \`/mlops token ${slug}\`.`);
  const runs = exampleRuns(rand);
  await logRuns(stage, slug, cast.scientist, runs);

  step('Deployment gate');
  const candidate = firstToMeetTargets(runs);
  const question = `Ship ${candidate.name} to production behind a 5% canary? It meets every target offline (auc ${candidate.metrics.auc}, p95 ${candidate.metrics.latency_p95_ms} ms).`;
  await openDeploymentGate(stage, slug, cast.owner, cast.stakeholders[0], question);

  step('Viability check-in');
  await startCheckins(stage, slug, cast.owner, cast.stakeholders[1]);

  step('Drift alert');
  await sendDriftedTraffic(stage, slug, rand);

  return { slug, channel: cast.channel };
}
