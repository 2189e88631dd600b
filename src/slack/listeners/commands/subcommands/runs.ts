import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../../../../domain/errors.js';
import { METRIC_NAME, METRIC_NAME_RULE } from '../../../../domain/metrics/success-metric.js';
import { compareRuns } from '../../../../services/experiments/compare-runs.js';
import { leaderboardView } from '../../../../services/experiments/leaderboard.js';
import { parseArgs, words } from '../../../command-parser.js';
import { esc } from '../../../../messages/blocks.js';
import { leaderboardPreviewMessage } from '../../../../messages/leaderboard.js';
import { parseSlug } from '../../../../domain/projects/slug.js';
import { requireProjectFor } from '../../../../services/projects/find-project.js';
import type { Subcommand } from '../subcommand.js';

const RunsArgs = z.object({
  metric: z.string().regex(METRIC_NAME, METRIC_NAME_RULE).optional(),
  last: z.coerce.number({ message: '--last takes a whole number' }).int('--last takes a whole number').min(1, '--last is at least 1').max(10_000, '--last is at most 10000').optional(),
});

export const runsCommand: Subcommand = {
  name: 'runs',
  usage: '/mlops runs <slug> [--metric m] [--last N] · /mlops runs <slug> compare <run a> <run b>',
  brief: 'The experiment leaderboard, shown to you to share; or compare two runs.',
  summary: 'Show you the experiment leaderboard (by the first success metric, or --metric), with a Share to channel button that posts it in the project channel with charts in its thread (the metric over time against its target, the top runs compared); or compare two runs (by name or id), shown only to you.',
  async run(deps, req) {
    const args = parseArgs(req.tokens, { metric: 'string', last: 'string' });
    const [slugWord, extra, ...more] = words(args.positionals);
    if (extra === 'compare') {
      const [a, b, extraRun] = more;
      if (a === undefined || b === undefined || extraRun !== undefined) throw new DomainError('compare_args', 'Compare takes two runs, by name or id: `/mlops runs <slug> compare <a> <b>`.');
      const project = await requireProjectFor(deps, req.teamId, parseSlug(slugWord), 'read', { userId: req.userId, channelId: req.channelId });
      return compareRuns(deps, project, a, b);
    }
    if (extra !== undefined) throw new DomainError('extra_args', `Unexpected "${extra.slice(0, 40)}": runs takes one project slug and options.`);
    const slug = parseSlug(slugWord);
    const opts = RunsArgs.parse({ metric: args.strings.metric, last: args.strings.last });
    const project = await requireProjectFor(deps, req.teamId, slug, 'read', { userId: req.userId, channelId: req.channelId });
    const view = await leaderboardView(deps, project, { metric: opts.metric, lastN: opts.last });
    if (!view) return { text: `No runs logged in *${esc(slug)}* yet. Log one with \`/mlops run ${esc(slug)} auc=0.91\` or through the API.` };
    // Private first: the channel sees a leaderboard only when someone shares it. The nonce names
    // this answer's share, so its button posts once however often it is clicked.
    const nonce = randomBytes(12).toString('base64url');
    return leaderboardPreviewMessage(view, { projectId: project.id, ...(opts.metric ? { metric: opts.metric } : {}), ...(opts.last ? { lastN: opts.last } : {}), nonce });
  },
};
