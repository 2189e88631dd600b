import { findSchedule } from '../../../db/repositories/schedules.js';
import { lastClosedCheckin } from '../../../db/repositories/viability.js';
import type { ProjectSection } from '../section.js';
import { context, section, slackDate } from '../../../messages/blocks.js';
import { type Counts, lastCheckinFact } from '../../../messages/viability.js';

const SCHEDULE_KIND = 'viability';

/**
 * The last check-in's result and the next scheduled one, for `/mlops status` and as gate evidence.
 * (A check-in's own message shows the last result among its facts already.)
 */
export const viabilitySection: ProjectSection = {
  name: 'viability',
  order: 60,
  async render(deps, project, purpose) {
    if (purpose === 'viability') return [];
    const last = await lastClosedCheckin(deps.db, project.id);
    const schedule = purpose === 'status' ? await findSchedule(deps.db, SCHEDULE_KIND, String(project.id)) : undefined;
    const lines: string[] = [];
    if (last?.verdict && last.closedAt) lines.push(lastCheckinFact(last.verdict, (last.counts as Counts | null) ?? null, last.closedAt));
    if (schedule?.active) lines.push(`Next check-in ${slackDate(schedule.nextRunAt)} (\`${schedule.cron}\`, ${schedule.timezone})`);
    if (!lines.length) return purpose === 'status' ? [context(`Viability check-ins: none yet. \`/mlops viability ${project.slug} --every "weekly mon 09:00"\` schedules them.`)] : [];
    return [section(`*Viability*\n${lines.map((l) => `• ${l}`).join('\n')}`)];
  },
};
