import { z } from 'zod';
import { DomainError } from '../../../../domain/errors.js';
import { parseSlug } from '../../../../domain/projects/slug.js';
import { scheduleOffText, scheduleSetText } from '../../../../messages/viability-commands.js';
import { scheduleShownReply } from '../../../../messages/forms/schedule-form.js';
import { requireProject } from '../../../../services/projects/find-project.js';
import { CHECKIN_NOW_INTERVAL_MS, showViabilitySchedule, runViabilityNow, setViabilitySchedule, stopViabilitySchedule } from '../../../../services/viability/schedule.js';
import { parseArgs, words } from '../../../command-parser.js';
import type { Subcommand } from '../subcommand.js';

const USAGE = '/mlops viability <slug> --every "<cron>" [--tz <IANA zone>] [--window 24h] [--ask channel|dm] · /mlops viability <slug> off · /mlops viability <slug> now';

const Args = z.object({
  slug: z.string({ error: 'a project slug is required' }),
  action: z.enum(['off', 'now', 'show']),
  every: z.string().optional(),
  tz: z.string().optional(),
  window: z.string().optional(),
  ask: z.string().optional(),
});

/** `/mlops viability`: schedules (`--every`), stops (`off`) or immediately runs (`now`) a project's viability check-ins. */
export const viabilityCommand: Subcommand = {
  name: 'viability',
  usage: USAGE,
  summary: 'Schedule, stop or immediately run the project\'s "is it still viable?" check-ins (cron may have a seconds field; friendly forms like "weekly mon 09:00"). The zone defaults to the owner\'s Slack time zone; the stakeholders are mentioned in the channel, and with --ask dm each also gets a DM. With just the slug: the current schedule, and a Set schedule… button that opens a form with a preview of the next check-ins.',
  brief: 'Schedule, stop or run now a project\'s "is it still viable?" check-ins.',
  async run(deps, req) {
    const parsed = parseArgs(req.tokens, { every: 'string', tz: 'string', window: 'string', ask: 'string' });
    const [slugWord, actionWord, extra] = words(parsed.positionals);
    if (extra !== undefined) throw new DomainError('extra_args', `Unexpected "${extra}". Put the cron expression in quotes after --every.`);
    if (actionWord !== undefined && !['off', 'now'].includes(actionWord.toLowerCase())) {
      throw new DomainError('unknown_action', `Unknown "${actionWord}": use --every "<cron>", off or now.`);
    }
    const args = Args.parse({ slug: slugWord, action: actionWord?.toLowerCase() ?? 'show', every: parsed.strings.every, tz: parsed.strings.tz, window: parsed.strings.window, ask: parsed.strings.ask });
    if (actionWord !== undefined && (args.every !== undefined || args.tz !== undefined || args.ask !== undefined)) {
      throw new DomainError('conflicting_args', `"${actionWord}" takes no --every, --tz or --ask (\`now\` asks as the schedule does).`);
    }
    if (args.action === 'show' && args.every === undefined && args.ask !== undefined) throw new DomainError('missing_every', '--ask goes with --every.');
    if (args.action === 'show' && args.every === undefined && args.window !== undefined) throw new DomainError('missing_every', '--window goes with --every (or with `now`).');
    const project = await requireProject(deps, req.teamId, parseSlug(args.slug));
    const actor = { userId: req.userId, channelId: req.channelId };

    if (args.action === 'off') {
      if (!(await stopViabilitySchedule(deps, project, actor))) return { text: `No viability check-ins are scheduled for *${project.slug}*; nothing to turn off.` };
      return { text: scheduleOffText(project.slug) };
    }
    if (args.action === 'now') {
      const checkin = await runViabilityNow(deps, project, actor, args.window);
      if (!checkin) return { text: `A check-in for *${project.slug}* was posted in the last few minutes; on-demand check-ins go out at most once every ${CHECKIN_NOW_INTERVAL_MS / 60_000} minutes.` };
      return { text: `Posting a viability check-in for *${project.slug}* in <#${project.channelId}> now.` };
    }
    if (args.every === undefined) return scheduleShownReply(project.slug, project.id, await showViabilitySchedule(deps, project, actor));
    const set = await setViabilitySchedule(deps, project, actor, { every: args.every, tz: args.tz, window: args.window, ask: args.ask });
    return { text: scheduleSetText({ slug: project.slug, channelId: project.channelId, ...set }) };
  },
};
