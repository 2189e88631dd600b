import type { Deps } from '../../../deps.js';
import type { ProjectRow } from '../../../db/repositories/projects.js';
import { bestByMetric, countRuns, lastRunAt, lastRuns, scopeOf } from '../../../db/repositories/runs.js';
import { briefTargets, runLabel } from '../../../domain/experiments/summary.js';
import { compareToTarget } from '../../../domain/metrics/success-metric.js';
import type { ProjectSection, SectionPurpose } from '../section.js';
import { type Block, esc, section, slackDate } from '../../../messages/blocks.js';
import { formatMetric } from '../../../shared/format-metric.js';

const DAY_MS = 86_400_000;

/** Whole days between the last run and `now`, for viability check-ins. */
export function daysSince(last: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - last.getTime()) / DAY_MS));
}

/** Experiments in a project's picture: latest runs (status), best value of each success metric vs its target, days since the last run (viability). */
export async function renderRunsSection(deps: Deps, project: ProjectRow, purpose: SectionPurpose, now: Date): Promise<Block[]> {
  const scope = scopeOf(project);
  const total = await countRuns(deps.db, scope);
  const slug = esc(project.slug);
  if (total === 0) {
    const hint = `Log one with \`/mlops run ${slug} <metric>=<number>\` or through the API.`;
    return [section(`*Experiments*\nNo runs logged yet.${purpose === 'status' ? ` ${hint}` : ''}`)];
  }
  const targets = briefTargets(project.brief);
  const best = await bestByMetric(deps.db, scope, targets);
  const last = await lastRunAt(deps.db, scope);
  const lines: string[] = [`*Experiments* — ${total} run${total === 1 ? '' : 's'}${last ? `, the last ${slackDate(last, '{date_short_pretty}')}` : ''}`];
  if (purpose === 'viability' && last) {
    const days = daysSince(last, now);
    lines.push(`Days since the last run: *${days}*`);
  }
  if (targets.length === 0) lines.push('No targets set: the design brief has no success metrics yet.');
  for (const t of targets) {
    const b = best.get(t.name);
    const cmp = t.direction === 'maximize' ? '≥' : '≤';
    if (!b) lines.push(`:heavy_minus_sign: *${t.name}* — no run reports it yet (target ${cmp} ${formatMetric(t.target)})`);
    else {
      const { met, delta } = compareToTarget(t, b.value);
      lines.push(`${met ? ':white_check_mark:' : ':x:'} *${t.name}* best ${formatMetric(b.value)} (${esc(runLabel({ id: b.runId, name: b.runName }))}) vs target ${cmp} ${formatMetric(t.target)}${met ? '' : `, short by ${formatMetric(Math.abs(delta))}`}`);
    }
  }
  const blocks: Block[] = [section(lines.join('\n'))];
  if (purpose === 'status') {
    const latest = (await lastRuns(deps.db, scope, 3)).reverse();
    const shown = (m: Record<string, number>) => {
      const names = targets.length ? targets.map((t) => t.name).filter((n) => m[n] !== undefined) : Object.keys(m).slice(0, 3);
      return names.map((n) => `${n} ${formatMetric(m[n]!)}`).join(', ') || Object.keys(m).slice(0, 3).map((n) => `${n} ${formatMetric(m[n]!)}`).join(', ');
    };
    blocks.push(section(`*Latest runs*\n${latest.map((r) => `• *${esc(runLabel(r))}* — ${shown(r.metrics)} · ${slackDate(r.createdAt, '{date_short}')}`).join('\n')}`));
  }
  return blocks;
}

export const RUNS_SECTION: ProjectSection = { name: 'runs', order: 30, render: renderRunsSection };

