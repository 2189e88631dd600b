import { recordAudit } from '../../db/repositories/audit.js';
import { openGatesOfProject } from '../../db/repositories/gates.js';
import { updatePhase } from '../../db/repositories/projects.js';
import type { Db } from '../../db/client.js';
import type { Phase } from '../../domain/lifecycle.js';
import { supersedeGate } from './finish-gate.js';
import { queueProjectHomeRefreshById } from '../projects/home-refresh.js';

export type PhaseMove = {
  project: { teamId: string; id: number; slug: string };
  from: Phase;
  to: Phase;
  /** Who is accountable for the move (a gate's opener, or the owner overriding). */
  actorId: string;
  now: Date;
} & ({ via: 'gate'; gateId: number } | { via: 'override' });

/**
 * THE way a project changes phase; nothing else may update `projects.phase`. In the caller's
 * transaction, which must hold the project row (lockProject 'move') before any gate row:
 * the phase compare-and-set, the phase history row and its audit entry, and every other gate still
 * open on the project closed as superseded — they all asked about leaving `from`, a question that
 * no longer exists. Without this a gate left open could later apply its GO when the project came
 * back to its starting phase (design → development, back to design, then an old design → retired
 * gate retires it). Returns false (and changes nothing) when the project is not in `from`.
 */
export async function movePhase(tx: Db, m: PhaseMove): Promise<boolean> {
  const gateId = m.via === 'gate' ? m.gateId : null;
  const moved = await updatePhase(tx, { projectId: m.project.id, from: m.from, to: m.to, via: m.via, gateId, actorId: m.actorId, now: m.now });
  if (!moved) return false;
  await recordAudit(tx, {
    teamId: m.project.teamId,
    projectId: m.project.id,
    actorId: m.actorId,
    action: 'project.phase_changed',
    detail: { from: m.from, to: m.to, via: m.via, ...(gateId !== null ? { gateId } : {}) },
    at: m.now,
  });
  await queueProjectHomeRefreshById(tx, m.project.teamId, m.project.id, m.now);
  const cause = m.via === 'gate' ? { kind: 'moved' as const, from: m.from, to: m.to, via: 'gate' as const } : { kind: 'moved' as const, from: m.from, to: m.to, via: 'override' as const, actorId: m.actorId };
  // The gate that moved the project is already closed, so it is not among these.
  for (const gate of await openGatesOfProject(tx, m.project.teamId, m.project.id)) {
    await supersedeGate(tx, gate, { slug: m.project.slug, cause, actorId: m.actorId, ...(gateId !== null ? { byGateId: gateId } : {}), now: m.now });
  }
  return true;
}
