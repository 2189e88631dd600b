import type { Deps } from '../../deps.js';
import { findToken, revokeToken as revokeTokenRow } from '../../db/repositories/api-tokens.js';
import { recordAudit } from '../../db/repositories/audit.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { PUBLIC_ID } from '../../domain/experiments/api-token.js';
import { DomainError } from '../../domain/errors.js';

export type RevokeOutcome = 'revoked' | 'already_revoked';

/**
 * Revokes a token by its public id: its creator or the project owner may. The revocation is a
 * compare-and-set, so two at once record one audit entry.
 */
export async function revokeToken(deps: Deps, project: ProjectRow, userId: string, publicId: string | undefined): Promise<RevokeOutcome> {
  if (!publicId || !PUBLIC_ID.test(publicId)) throw new DomainError('token_id', 'Name the token to revoke by its id, as `/mlops token <slug> list` shows it.');
  const token = await findToken(deps.db, project.teamId, project.id, publicId);
  if (!token) throw new DomainError('unknown_token', `*${project.slug}* has no token \`${publicId}\`.`);
  if (token.revokedAt) return 'already_revoked';
  if (userId !== token.createdBy && userId !== project.ownerId) {
    throw new DomainError('not_allowed', `Only the person who created token \`${publicId}\` (<@${token.createdBy}>) or the project owner (<@${project.ownerId}>) can revoke it.`);
  }
  const now = deps.clock.now();
  const revoked = await deps.db.transaction(async (tx) => {
    if (!(await revokeTokenRow(tx, project.teamId, token.id, userId, now))) return false;
    await recordAudit(tx, { teamId: project.teamId, projectId: project.id, actorId: userId, action: 'api_token.revoked', detail: { tokenId: publicId }, at: now });
    return true;
  });
  return revoked ? 'revoked' : 'already_revoked';
}
