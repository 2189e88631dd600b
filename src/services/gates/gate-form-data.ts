import { listProjects, type ProjectRow } from '../../db/repositories/projects.js';
import type { Deps } from '../../deps.js';
import { assertMay, may, stakeholdersOf } from '../../domain/access.js';
import { reachablePhases } from '../../domain/lifecycle.js';
import { DomainError } from '../../domain/errors.js';
import type { GateFormProject } from '../../messages/forms/gate-form.js';
import { DEFAULT_DEADLINE_MS } from './open-gate.js';

/**
 * What the gate form shows for a project: its phases (the next first) and the brief's stakeholders
 * as the default voters. Refuses (`not_allowed`) someone who may not open a gate on it, so the form
 * does not open for them; the submission checks again (openGate), as the form may be stale.
 */
export function gateFormProject(project: ProjectRow, userId: string): GateFormProject {
  assertMay('open_gate', { userId }, project);
  // No phase to offer: the same refusal openGate gives, before a form with an empty list.
  if (project.phase === 'retired') throw new DomainError('unreachable_phase', `${project.slug} is retired; it cannot move to another phase.`);
  return {
    id: project.id,
    slug: project.slug,
    phase: project.phase,
    phases: reachablePhases(project.phase),
    stakeholders: stakeholdersOf(project.brief),
    byOwner: project.ownerId === userId,
  };
}

/** The workspace's active projects this person may open a gate on (owner or stakeholder), for the shortcut's picker. */
export async function gateFormProjects(deps: Pick<Deps, 'db'>, teamId: string, userId: string): Promise<{ id: number; slug: string }[]> {
  const all = await listProjects(deps.db, teamId);
  return all
    .filter((p) => p.phase !== 'retired' && may('open_gate', { userId }, p))
    .map((p) => ({ id: p.id, slug: p.slug }))
    .sort((a, b) => a.slug.localeCompare(b.slug));
}

export const defaultGateDeadline = (now: Date) => new Date(now.getTime() + DEFAULT_DEADLINE_MS);
