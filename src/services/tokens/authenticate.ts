import type { Deps } from '../../deps.js';
import { findLiveToken } from '../../db/repositories/api-tokens.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { tokenLookupHash } from '../../domain/experiments/api-token.js';

/**
 * The live token a caller presented, with its one project (in the token's own workspace), or
 * undefined for anything that is not a live token of ours. Only the hash is looked up.
 */
export async function authenticateToken(deps: Deps, presented: string): Promise<{ publicId: string; project: ProjectRow } | undefined> {
  const hash = tokenLookupHash(presented);
  const found = hash ? await findLiveToken(deps.db, hash) : undefined;
  return found ? { publicId: found.token.publicId, project: found.project } : undefined;
}
