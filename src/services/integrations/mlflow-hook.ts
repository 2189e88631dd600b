import { randomBytes } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { recordAudit } from '../../db/repositories/audit.js';
import { deleteHook, hookOfProject, type MlflowHookRow, replaceHook } from '../../db/repositories/mlflow.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { type Actor, assertMay } from '../../domain/access.js';
import { randomPublicId } from '../../domain/experiments/api-token.js';

export const DEFAULT_MLFLOW_ALIAS = 'champion';

/**
 * Connects a project to a registered model in MLflow: a new hook with a fresh secret (returned
 * once, to paste into MLflow's `create_webhook`), replacing an earlier one. The owner's to set, as
 * it decides what opens the project's deployment gate.
 */
export async function connectMlflow(
  deps: Deps,
  project: ProjectRow,
  actor: Actor,
  input: { model: string; alias?: string; trackingUrl?: string },
): Promise<{ hook: MlflowHookRow; secret: string }> {
  assertMay('manage', actor, project);
  const now = deps.clock.now();
  const secret = randomBytes(32).toString('base64url');
  const publicId = randomPublicId(12);
  const hook = await deps.db.transaction(async (tx) => {
    const row = await replaceHook(tx, { teamId: project.teamId, projectId: project.id, publicId, secret, modelName: input.model, alias: input.alias ?? DEFAULT_MLFLOW_ALIAS, trackingUrl: input.trackingUrl ?? null, createdBy: actor.userId, createdAt: now });
    await recordAudit(tx, { teamId: project.teamId, projectId: project.id, actorId: actor.userId, action: 'mlflow.connected', detail: { model: row.modelName, alias: row.alias, trackingUrl: row.trackingUrl }, at: now });
    return row;
  });
  return { hook, secret };
}

/** The project's hook (without its secret), for whoever may read the project. */
export async function showMlflow(deps: Deps, project: ProjectRow, actor: Actor): Promise<Omit<MlflowHookRow, 'secret'> | undefined> {
  assertMay('read', actor, project);
  const hook = await hookOfProject(deps.db, project.teamId, project.id);
  if (!hook) return undefined;
  const { secret: _secret, ...rest } = hook;
  return rest;
}

/** Disconnects MLflow: deliveries to the old address are refused from then on. */
export async function disconnectMlflow(deps: Deps, project: ProjectRow, actor: Actor): Promise<boolean> {
  assertMay('manage', actor, project);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const removed = await deleteHook(tx, project.teamId, project.id);
    if (removed) await recordAudit(tx, { teamId: project.teamId, projectId: project.id, actorId: actor.userId, action: 'mlflow.disconnected', detail: {}, at: now });
    return removed;
  });
}
