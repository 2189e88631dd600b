import { z } from 'zod';
import { recordAudit } from '../../../../db/repositories/audit.js';
import { findProject } from '../../../../db/repositories/projects.js';
import { deactivateSchedule, findSchedule, upsertSchedule } from '../../../../db/repositories/schedules.js';
import { DomainError } from '../../../../domain/errors.js';
import { parseSlug } from '../../../../domain/projects/slug.js';
import { assertMinInterval, nextSlot } from '../../../../domain/schedule/slots.js';
import { parseScheduleSpec, parseTimezone } from '../../../../domain/schedule/spec.js';
import { checkinWindowMs, parseWindow } from '../../../../domain/viability/window.js';
import { postCheckin, scheduleWindowMs, VIABILITY_SCHEDULE } from '../../../../services/viability/checkin.js';
import { parseArgs, words } from '../../../command-parser.js';
import { scheduleOffText, scheduleSetText, scheduleShownText } from '../../../../messages/viability-commands.js';
import type { Subcommand } from '../subcommand.js';

const USAGE = '/mlops viability <slug> --every "<cron>" [--tz <IANA zone>] [--window 24h] · /mlops viability <slug> off · /mlops viability <slug> now';

const Args = z.object({
  slug: z.string({ error: 'a project slug is required' }),
  action: z.enum(['off', 'now', 'show']),
  every: z.string().optional(),
  tz: z.string().optional(),
  window: z.string().optional(),
});

/**
 * `/mlops viability`: schedules (`--every`), stops (`off`) or immediately runs (`now`) a project's
 * viability check-ins. The time zone defaults to UTC (the reply names it), not the requester's
 * Slack zone: a team's schedule should not depend on who typed it.
 */
export const viabilityCommand: Subcommand = {
  name: 'viability',
  usage: USAGE,
  summary: 'Schedule, stop or immediately run the project\'s "is it still viable?" check-ins (cron may have a seconds field; friendly forms like "weekly mon 09:00").',
  async run(deps, req) {
    const parsed = parseArgs(req.tokens, { every: 'string', tz: 'string', window: 'string' });
    const [slugWord, actionWord, extra] = words(parsed.positionals);
    if (extra !== undefined) throw new DomainError('extra_args', `Unexpected "${extra}". Put the cron expression in quotes after --every.`);
    if (actionWord !== undefined && !['off', 'now'].includes(actionWord.toLowerCase())) {
      throw new DomainError('unknown_action', `Unknown "${actionWord}": use --every "<cron>", off or now.`);
    }
    const args = Args.parse({ slug: slugWord, action: actionWord?.toLowerCase() ?? 'show', every: parsed.strings.every, tz: parsed.strings.tz, window: parsed.strings.window });
    if (actionWord !== undefined && (args.every !== undefined || args.tz !== undefined)) {
      throw new DomainError('conflicting_args', `"${actionWord}" takes no --every or --tz.`);
    }
    const now = deps.clock.now();
    const project = await findProject(deps.db, req.teamId, parseSlug(args.slug));
    if (!project) throw new DomainError('unknown_project', `There is no project \`${args.slug}\` in this workspace.`);
    const ref = String(project.id);
    const audit = (action: string, detail: Record<string, unknown>) => recordAudit(deps.db, { teamId: req.teamId, projectId: project.id, actorId: req.userId, action, detail, at: now });

    if (args.action === 'off') {
      if (!(await deactivateSchedule(deps.db, VIABILITY_SCHEDULE, ref, now))) {
        return { text: `No viability check-ins are scheduled for *${project.slug}*; nothing to turn off.` };
      }
      await audit('viability.schedule_off', {});
      return { text: scheduleOffText(project.slug) };
    }
    if (project.phase === 'retired') throw new DomainError('retired', `*${project.slug}* is retired; it has no more viability check-ins.`);

    if (args.action === 'now') {
      const existing = await findSchedule(deps.db, VIABILITY_SCHEDULE, ref);
      const windowMs = args.window ? parseWindow(args.window) : existing?.active ? scheduleWindowMs(existing) : undefined;
      const checkin = await postCheckin(deps, { project, scheduleId: null, slotAt: now, windowMs: windowMs ?? 24 * 3_600_000, requestedBy: req.userId, now });
      if (!checkin) return { text: `A check-in for *${project.slug}* was just posted; try again in a moment.` };
      await audit('viability.checkin_now', { checkinId: checkin.id });
      return { text: `Posting a viability check-in for *${project.slug}* in <#${project.channelId}> now.` };
    }

    if (args.every === undefined) {
      if (args.window !== undefined) throw new DomainError('missing_every', '--window goes with --every (or with `now`).');
      const existing = await findSchedule(deps.db, VIABILITY_SCHEDULE, ref);
      return { text: scheduleShownText(project.slug, existing?.active ? existing : undefined) };
    }
    const spec = parseScheduleSpec(args.every);
    const tz = parseTimezone(args.tz ?? 'UTC');
    assertMinInterval(spec.cron, tz, now, deps.config.minScheduleIntervalSeconds);
    const windowMs = checkinWindowMs(spec.cron, tz, now, args.window ? parseWindow(args.window) : undefined);
    const nextRunAt = nextSlot(spec.cron, tz, now);
    await upsertSchedule(deps.db, { teamId: req.teamId, kind: VIABILITY_SCHEDULE, ref, cron: spec.cron, timezone: tz, nextRunAt, options: { windowSeconds: Math.round(windowMs / 1000) }, now });
    await audit('viability.schedule_set', { cron: spec.cron, timezone: tz, windowSeconds: Math.round(windowMs / 1000) });
    return { text: scheduleSetText({ slug: project.slug, channelId: project.channelId, description: spec.description, cron: spec.cron, tz, nextRunAt, windowMs }) };
  },
};
