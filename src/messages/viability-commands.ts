import { formatDuration } from '../domain/gates/deadline.js';
import { storedAskMode } from '../domain/viability/asked.js';
import { esc, inlineCode, mention, slackDate, utcText } from './blocks.js';

export function scheduleSetText(d: { slug: string; channelId: string; description: string; cron: string; tz: string; tzFallback?: boolean; nextRunAt: Date; windowMs: number; ask?: 'channel' | 'dm' }): string {
  const zone = d.tzFallback ? `${d.tz} — couldn't read your Slack time zone; add --tz to choose one` : d.tz;
  const asked = d.ask === 'dm' ? ' The stakeholders are mentioned there and each gets a DM.' : ' The stakeholders are mentioned there.';
  return (
    `:white_check_mark: Viability check-ins for *${d.slug}* scheduled ${d.description} (\`${d.cron}\`, in ${zone}) in <#${d.channelId}>. ` +
    `Next: ${slackDate(d.nextRunAt)} (${utcText(d.nextRunAt)}). Answers close ${formatDuration(d.windowMs)} after each check-in.${asked}`
  );
}

export function scheduleOffText(slug: string): string {
  return `Viability check-ins for *${slug}* are off. Check-ins still open keep collecting answers until they close.`;
}

export function scheduleShownText(slug: string, s: { cron: string; timezone: string; nextRunAt: Date; options?: unknown } | undefined): string {
  if (!s) return `No viability check-ins are scheduled for *${slug}*. Schedule them with \`/mlops viability ${slug} --every "weekly mon 09:00" --tz Europe/Berlin\`.`;
  const asked = storedAskMode(s.options) === 'dm' ? 'mentioned in the channel and sent a DM' : 'mentioned in the channel';
  return `Viability check-ins for *${slug}*: \`${s.cron}\` (${s.timezone}); next ${slackDate(s.nextRunAt)}. The stakeholders are ${asked}.`;
}

/**
 * Posted in the project's channel when the app turned a schedule off because it could not compute
 * its check-ins any more (a stored cron or zone it no longer accepts): the owner is told, by
 * mention, what was wrong and how to schedule again. The cron, zone and reason are escaped, as the
 * stored values are whatever was written.
 */
export function scheduleStoppedText(d: { slug: string; ownerId: string; cron: string; tz: string; reason: string }): string {
  return (
    `:warning: ${mention(d.ownerId)} Viability check-ins for *${esc(d.slug)}* are off: their schedule ${inlineCode(d.cron)} (${esc(d.tz)}) can no longer be computed. ${esc(d.reason)} ` +
    `Schedule them again with \`/mlops viability ${esc(d.slug)} --every "weekly mon 09:00" --tz Europe/Berlin\`.`
  );
}
