import { z } from 'zod';
import { type MetricDirection, SuccessMetric, compareToTarget, inferDirection, isBetter } from '../metrics/success-metric.js';

export interface MetricRef {
  name: string;
  direction: MetricDirection;
}

/** How a run is called in messages: its name, else its number. */
export function runLabel(run: { id: number; name: string | null }): string {
  return run.name ?? `run #${run.id}`;
}

const BriefTargets = z.object({ successMetrics: z.array(SuccessMetric).nullish() }).passthrough();

/** The success metrics of a project's brief; none when intake has not set them (or the brief is unreadable). */
export function briefTargets(brief: unknown): SuccessMetric[] {
  const parsed = BriefTargets.safeParse(brief ?? {});
  return parsed.success ? (parsed.data.successMetrics ?? []) : [];
}

/** A metric's direction: the brief's when it sets a target for it, else guessed from the name (losses are minimized). */
export function directionOf(name: string, targets: SuccessMetric[]): MetricDirection {
  return targets.find((t) => t.name === name)?.direction ?? inferDirection(name);
}

/**
 * The metric the leaderboard ranks by: `--metric` when given, else the brief's first success
 * metric, else the metric the runs report most (`reported`, most used first).
 */
export function primaryMetric(targets: SuccessMetric[], requested: string | undefined, reported: string[]): MetricRef | null {
  const name = requested ?? targets[0]?.name ?? reported[0];
  return name === undefined ? null : { name, direction: directionOf(name, targets) };
}

export interface TargetLine {
  name: string;
  direction: MetricDirection;
  target: number;
  /** null: the run did not report this metric. */
  value: number | null;
  met: boolean | null;
  /** How far better than the target (negative: short of it). */
  delta: number | null;
}

export type Verdict = 'better' | 'worse' | 'tie' | 'first';

export interface BestLine {
  name: string;
  direction: MetricDirection;
  value: number;
  previous: { value: number; runLabel: string } | null;
  verdict: Verdict;
}

export interface RunFacts {
  run: { id: number; name: string | null; metrics: Record<string, number>; params?: Record<string, string> };
  targets: SuccessMetric[];
  /** Best value of each of the run's metrics over earlier runs. */
  bestBefore: Map<string, { value: number; runLabel: string }>;
  /** The run's rank by the primary metric among all runs reporting it. */
  rank: { metric: string; position: number; of: number } | null;
  /** Whether some earlier run already met every target. */
  earlierRunMetAll: boolean;
  /** The best earlier run by the primary metric, whose params this run's are compared with. */
  bestRun?: { runLabel: string; params: Record<string, string> } | null;
}

export interface RunSummary {
  runLabel: string;
  targets: TargetLine[];
  vsBest: BestLine[];
  rank: RunFacts['rank'];
  allTargetsMet: boolean;
  /** Every target met, and no earlier run did: the moment to ask for a deployment gate. */
  firstToMeetAll: boolean;
  /** The params that differ from the best earlier run by the primary metric; absent when there is none. */
  paramsVsBest?: { runLabel: string; changes: ParamChange[] } | null;
}

/** Compares one run with the brief's targets and the best earlier runs; every number comes from `facts`. */
export function summarizeRun(facts: RunFacts): RunSummary {
  const { run, targets } = facts;
  const targetLines: TargetLine[] = targets.map((t) => {
    const value = run.metrics[t.name];
    if (value === undefined) return { name: t.name, direction: t.direction, target: t.target, value: null, met: null, delta: null };
    const { met, delta } = compareToTarget(t, value);
    return { name: t.name, direction: t.direction, target: t.target, value, met, delta };
  });
  // Target metrics first (in the brief's order), then the rest alphabetically.
  const names = Object.keys(run.metrics).sort((a, b) => {
    const ia = targets.findIndex((t) => t.name === a);
    const ib = targets.findIndex((t) => t.name === b);
    return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib) || a.localeCompare(b);
  });
  const vsBest: BestLine[] = names.map((name) => {
    const value = run.metrics[name]!;
    const direction = directionOf(name, targets);
    const previous = facts.bestBefore.get(name) ?? null;
    const verdict: Verdict = !previous ? 'first' : isBetter(direction, value, previous.value) ? 'better' : isBetter(direction, previous.value, value) ? 'worse' : 'tie';
    return { name, direction, value, previous, verdict };
  });
  const allTargetsMet = targetLines.length > 0 && targetLines.every((l) => l.met === true);
  return {
    runLabel: runLabel(run),
    targets: targetLines,
    vsBest,
    rank: facts.rank,
    allTargetsMet,
    firstToMeetAll: allTargetsMet && !facts.earlierRunMetAll,
    paramsVsBest: facts.bestRun ? { runLabel: facts.bestRun.runLabel, changes: paramChanges(run.params ?? {}, facts.bestRun.params) } : null,
  };
}

/**
 * Param keys whose values are not all the same across `runs` (a missing param differs from any
 * value): what changed between the top runs is what a reader wants to see next to them.
 */
export function differingParams(runs: { params: Record<string, string> }[]): string[] {
  if (runs.length < 2) return [];
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  return keys.filter((k) => new Set(runs.map((r) => r.params[k] ?? '\u0000missing')).size > 1);
}

export interface ParamChange {
  name: string;
  /** null: this run does not set it. */
  value: string | null;
  /** null: the best run did not set it. */
  best: string | null;
}

/** The params in which a run differs from another (the best earlier run), by name. */
export function paramChanges(params: Record<string, string>, best: Record<string, string>): ParamChange[] {
  return differingParams([{ params }, { params: best }]).map((name) => ({ name, value: params[name] ?? null, best: best[name] ?? null }));
}

/**
 * A commit's link: the deployment's template (`https://github.com/org/repo/commit/{commit}`) with
 * the sha put in; null without a template. The sha is hexadecimal (RunInput), so it needs no escaping.
 */
export function commitUrl(template: string | undefined, sha: string): string | null {
  return template ? template.split('{commit}').join(sha) : null;
}
