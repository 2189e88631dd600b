import { formatDuration } from '../domain/gates/deadline.js';
import { slackDate } from './blocks.js';

export function scheduleSetText(d: { slug: string; channelId: string; description: string; cron: string; tz: string; nextRunAt: Date; windowMs: number }): string {
  return (
    `:white_check_mark: Viability check-ins for *${d.slug}* scheduled ${d.description} (\`${d.cron}\`, ${d.tz}) in <#${d.channelId}>. ` +
    `Next: ${slackDate(d.nextRunAt)} (${d.nextRunAt.toISOString()}). Answers close ${formatDuration(d.windowMs)} after each check-in.`
  );
}

export function scheduleOffText(slug: string): string {
  return `Viability check-ins for *${slug}* are off. Check-ins still open keep collecting answers until they close.`;
}

export function scheduleShownText(slug: string, s: { cron: string; timezone: string; nextRunAt: Date } | undefined): string {
  if (!s) return `No viability check-ins are scheduled for *${slug}*. Schedule them with \`/mlops viability ${slug} --every "weekly mon 09:00" --tz Europe/Berlin\`.`;
  return `Viability check-ins for *${slug}*: \`${s.cron}\` (${s.timezone}); next ${slackDate(s.nextRunAt)}.`;
}
