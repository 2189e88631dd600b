import type { Deps } from '../../deps.js';
import { type ApiTokenRow, listTokens } from '../../db/repositories/api-tokens.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { mayUseTokens } from '../../domain/access.js';
import { tokensRefusal } from './refusal.js';

/** A project's tokens, newest first (revoked ones too, marked), for the people who may manage them. */
export async function listProjectTokens(deps: Deps, project: ProjectRow, actor: { userId: string; channelId: string }): Promise<ApiTokenRow[]> {
  if (!mayUseTokens(actor, project)) throw tokensRefusal(project);
  return listTokens(deps.db, project.teamId, project.id);
}
