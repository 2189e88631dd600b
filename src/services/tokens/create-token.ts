import type { Deps } from '../../deps.js';
import { findLiveTokenByName, insertApiToken } from '../../db/repositories/api-tokens.js';
import { recordAudit } from '../../db/repositories/audit.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { type Actor, assertMay } from '../../domain/access.js';
import { DomainError } from '../../domain/errors.js';
import { newToken } from '../../domain/experiments/api-token.js';

/**
 * Creates a project API token (the owner's to hand out: a token reads and writes every run of the
 * project, from anywhere): only its hash is stored, with its name, its expiry and the audit entry
 * in the same transaction; the token itself is returned once, for the person who asked, and never
 * again. A name is unique among the project's live tokens, so runs signed with it are unambiguous.
 */
export async function createToken(
  deps: Deps,
  project: ProjectRow,
  actor: Actor,
  opts: { name?: string; lifetimeMs?: number } = {},
): Promise<{ token: string; publicId: string; name: string | null; expiresAt: Date | null }> {
  assertMay('manage', actor, project);
  const now = deps.clock.now();
  const t = newToken();
  const name = opts.name ?? null;
  const expiresAt = opts.lifetimeMs ? new Date(now.getTime() + opts.lifetimeMs) : null;
  await deps.db.transaction(async (tx) => {
    if (name && (await findLiveTokenByName(tx, project.teamId, project.id, name))) {
      throw new DomainError('token_name_taken', `*${project.slug}* already has a live token named \`${name}\`: revoke it first, or pick another name.`);
    }
    await insertApiToken(tx, { teamId: project.teamId, projectId: project.id, publicId: t.publicId, tokenHash: t.hash, createdBy: actor.userId, now, name, expiresAt });
    await recordAudit(tx, { teamId: project.teamId, projectId: project.id, actorId: actor.userId, action: 'api_token.created', detail: { tokenId: t.publicId, name, expiresAt: expiresAt?.toISOString() ?? null }, at: now });
  });
  return { token: t.token, publicId: t.publicId, name, expiresAt };
}
