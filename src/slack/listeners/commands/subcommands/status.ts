import { z } from 'zod';
import { DomainError } from '../../../../domain/errors.js';
import { requireProjectFor } from '../../../../services/projects/find-project.js';
import { channelStatus, projectStatus } from '../../../../services/projects/status.js';
import { parseArgs, words } from '../../../command-parser.js';
import type { Subcommand } from '../subcommand.js';

const StatusArgs = z.object({ slug: z.string().optional() });

export const statusCommand: Subcommand = {
  name: 'status',
  usage: '/mlops status [slug]',
  summary: 'Phase, brief, latest runs, open gates and alerts of a project; without a slug, every project in this channel.',
  brief: "A project's phase, runs, gates and alerts, or every project in this channel.",
  async run(deps, req) {
    const args = parseArgs(req.tokens, {});
    const [slugWord, extra] = words(args.positionals);
    if (extra !== undefined) throw new DomainError('extra_args', `Unexpected "${extra}": status takes at most one project slug.`);
    const { slug } = StatusArgs.parse({ slug: slugWord });
    if (!slug) return channelStatus(deps, req.teamId, req.channelId);
    return projectStatus(deps, await requireProjectFor(deps, req.teamId, slug, 'read', { userId: req.userId, channelId: req.channelId }));
  },
};
