import type { Deps } from '../../deps.js';
import { insertApiToken } from '../../db/repositories/api-tokens.js';
import { recordAudit } from '../../db/repositories/audit.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { type Actor, assertMay } from '../../domain/access.js';
import { newToken } from '../../domain/experiments/api-token.js';

/**
 * Creates a project API token (the owner's to hand out: a token reads and writes every run of the
 * project, from anywhere): only its hash is stored, with the audit entry in the same
 * transaction; the token itself is returned once, for the person who asked, and never again.
 */
export async function createToken(deps: Deps, project: ProjectRow, actor: Actor): Promise<{ token: string; publicId: string }> {
  assertMay('manage', actor, project);
  const now = deps.clock.now();
  const t = newToken();
  await deps.db.transaction(async (tx) => {
    await insertApiToken(tx, { teamId: project.teamId, projectId: project.id, publicId: t.publicId, tokenHash: t.hash, createdBy: actor.userId, now });
    await recordAudit(tx, { teamId: project.teamId, projectId: project.id, actorId: actor.userId, action: 'api_token.created', detail: { tokenId: t.publicId }, at: now });
  });
  return { token: t.token, publicId: t.publicId };
}
