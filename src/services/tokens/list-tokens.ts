import type { Deps } from '../../deps.js';
import { type ApiTokenRow, listTokens } from '../../db/repositories/api-tokens.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { type Actor, assertMay } from '../../domain/access.js';

/** A project's tokens, newest first (revoked ones too, marked): ids and dates only, for whoever may read the project. */
export async function listProjectTokens(deps: Deps, project: ProjectRow, actor: Actor): Promise<ApiTokenRow[]> {
  assertMay('read', actor, project);
  return listTokens(deps.db, project.teamId, project.id);
}
