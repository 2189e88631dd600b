import type { Deps } from '../../deps.js';
import { listProjectsInChannel, phaseHistory, type ProjectRow } from '../../db/repositories/projects.js';
import type { Block } from '../../messages/blocks.js';
import { channelStatusMessage, projectStatusMessage } from '../../messages/status.js';
import { renderSections } from './sections.js';

/** `/mlops status <slug>`: phase, owner, each feature's section and the phase history. */
export async function projectStatus(deps: Deps, project: ProjectRow): Promise<{ text: string; blocks: Block[] }> {
  return projectStatusMessage({
    project,
    history: await phaseHistory(deps.db, project.id),
    extra: await renderSections(deps, project, 'status', deps.clock.now()),
  });
}

/** `/mlops status` without a slug: every project whose home is this channel. */
export async function channelStatus(deps: Deps, teamId: string, channelId: string): Promise<{ text: string; blocks: Block[] }> {
  return channelStatusMessage(await listProjectsInChannel(deps.db, teamId, channelId));
}
