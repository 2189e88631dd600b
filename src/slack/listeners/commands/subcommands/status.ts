import { z } from 'zod';
import { DomainError } from '../../../../domain/errors.js';
import { parseSlug } from '../../../../domain/projects/slug.js';
import { findProject, listProjectsInChannel, phaseHistory } from '../../../../db/repositories/projects.js';
import { parseArgs, words } from '../../../command-parser.js';
import { projectStatusMessage, channelStatusMessage } from '../../../../messages/status.js';
import { renderSections } from '../../../../services/projects/sections.js';
import type { Subcommand } from '../subcommand.js';

const StatusArgs = z.object({ slug: z.string().optional() });

export const statusCommand: Subcommand = {
  name: 'status',
  usage: '/mlops status [slug]',
  summary: 'Phase, brief, latest runs, open gates and alerts of a project; without a slug, every project in this channel.',
  async run(deps, req) {
    const args = parseArgs(req.tokens, {});
    const [slugWord, extra] = words(args.positionals);
    if (extra !== undefined) throw new DomainError('extra_args', `Unexpected "${extra}": status takes at most one project slug.`);
    const { slug } = StatusArgs.parse({ slug: slugWord });
    if (!slug) {
      const rows = await listProjectsInChannel(deps.db, req.teamId, req.channelId);
      return channelStatusMessage(rows);
    }
    const project = await findProject(deps.db, req.teamId, parseSlug(slug));
    if (!project) throw new DomainError('unknown_project', `There is no project \`${slug}\` in this workspace. \`/mlops status\` lists the projects in this channel.`);
    return projectStatusMessage({
      project,
      history: await phaseHistory(deps.db, project.id),
      extra: await renderSections(deps, project, 'status', deps.clock.now()),
    });
  },
};
