import type { Deps } from '../../deps.js';
import type { Db } from '../../db/client.js';
import { type IntakeRow, startIntake as insertIntake } from '../../db/repositories/intakes.js';
import { findProject, listProjects, type ProjectRow } from '../../db/repositories/projects.js';
import { DomainError } from '../../domain/errors.js';
import { firstQuestion } from '../../domain/intake/answer.js';
import { queueIntakeThread } from './conversation.js';
import { armIdleTimer } from './idle-timer.js';

/** Without a slug the project is named `idea-<n>`; a few tries cover a concurrent intake taking the same number. */
async function ideaSlugs(deps: Deps, teamId: string): Promise<string[]> {
  const n = (await listProjects(deps.db, teamId)).length + 1;
  return [0, 1, 2, 3, 4].map((i) => `idea-${n + i}`);
}

/**
 * Creates the project in the design phase with its intake, arms the idle timer and queues the
 * thread (root and first question) in the outbox — one transaction, before the ack. A taken slug is
 * a DomainError naming where the existing project lives.
 */
export async function startIntake(
  deps: Deps,
  req: { teamId: string; channelId: string; requesterId: string; slug?: string; participants: string[]; responseUrl?: string },
): Promise<{ slug: string; project: ProjectRow; intake: IntakeRow }> {
  const candidates = req.slug !== undefined ? [req.slug] : await ideaSlugs(deps, req.teamId);
  const q = firstQuestion();
  const now = deps.clock.now();
  for (const slug of candidates) {
    const started = await deps.db.transaction(async (txn) => {
      const tx: Db = txn;
      const created = await insertIntake(tx, { teamId: req.teamId, slug, channelId: req.channelId, requesterId: req.requesterId, participants: req.participants, field: q.field, question: q.question, asked: { [q.field]: 1 }, now });
      if (!created) return null;
      await armIdleTimer(tx, created.intake, now);
      await queueIntakeThread(tx, { ...created, responseUrl: req.responseUrl, now });
      return created;
    });
    if (!started) continue;
    deps.kickOutbox();
    return { slug, ...started };
  }
  if (req.slug === undefined) throw new DomainError('slug_taken', 'Could not find a free project name; give one: `/mlops intake churn-model`.');
  const existing = await findProject(deps.db, req.teamId, req.slug);
  throw new DomainError('slug_taken', `There is already a project \`${req.slug}\` in this workspace${existing ? ` (in <#${existing.channelId}>)` : ''}. Choose another slug.`);
}
