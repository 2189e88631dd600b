import type { GateRow } from '../../db/repositories/gates.js';
import { findIntakeByProject } from '../../db/repositories/intakes.js';
import { findOutboxByDedupeKey } from '../../db/repositories/outbox.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { lastRunAsOf, scopeOf } from '../../db/repositories/runs.js';
import type { Deps } from '../../deps.js';
import type { EvidenceLinks } from '../../messages/gate.js';
import { briefPostKey } from '../intake/conversation.js';
import { permalinksFor } from '../permalinks.js';

/** The outbox key of a run's summary message (services/experiments/queue-summary.ts and post-api-summary.ts queue it under this key). */
const runSummaryKey = (runId: number) => `run-summary:${runId}`;

/**
 * Links from a gate's evidence to the messages behind it: the Design brief, and the summary (with
 * the leaderboard) of the newest run logged before the gate opened. A message that was never
 * posted, or whose link Slack did not give, is left out; permalinks are kept on their outbox rows,
 * so a redraw of the gate message asks Slack nothing for links it has.
 */
export async function evidenceLinks(deps: Deps, gate: Pick<GateRow, 'teamId' | 'openedAt'>, project: ProjectRow): Promise<EvidenceLinks> {
  const intake = await findIntakeByProject(deps.db, project.teamId, project.id);
  const briefRow = intake ? await findOutboxByDedupeKey(deps.db, briefPostKey(intake.id)) : undefined;
  const run = await lastRunAsOf(deps.db, scopeOf(project), gate.openedAt);
  const runRow = run ? await findOutboxByDedupeKey(deps.db, runSummaryKey(run.id)) : undefined;
  const ids = [briefRow?.id, runRow?.id].filter((id): id is number => id !== undefined);
  if (ids.length === 0) return { brief: null, runs: null };
  const links = await permalinksFor(deps, gate.teamId, ids);
  return { brief: briefRow ? (links.get(briefRow.id) ?? null) : null, runs: runRow ? (links.get(runRow.id) ?? null) : null };
}
