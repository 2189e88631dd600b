import type { InputBlock, ModalView, PlainTextOption } from '@slack/types';
import type { SchedulePreview } from '../../domain/schedule/preview.js';
import { actions, type Block, clip, context, esc, section } from '../blocks.js';
import { SCHEDULE_FORM, type ScheduleFormMeta } from '../ids/forms.js';
import { scheduleShownText } from '../viability-commands.js';

/** The cadences offered in the form, written as `--every` takes them: the form sets what the flag would. */
export const CADENCE_PRESETS = [
  { every: 'weekdays 09:00', label: 'Weekdays at 09:00' },
  { every: 'weekly mon 09:00', label: 'Weekly, Monday 09:00' },
  { every: 'weekly fri 15:00', label: 'Weekly, Friday 15:00' },
  { every: 'daily 09:00', label: 'Every day at 09:00' },
  { every: 'monthly 1 09:00', label: 'Monthly, on the 1st at 09:00' },
] as const;
export const CUSTOM_CADENCE = 'custom';
export const DEFAULT_CADENCE = 'weekly mon 09:00';

/** Zones offered in the picker; the schedule's own zone is added when it is not among them. */
export const COMMON_ZONES = [
  'UTC', 'Europe/London', 'Europe/Dublin', 'Europe/Lisbon', 'Europe/Paris', 'Europe/Berlin', 'Europe/Amsterdam', 'Europe/Madrid', 'Europe/Rome',
  'Europe/Zurich', 'Europe/Stockholm', 'Europe/Warsaw', 'Europe/Helsinki', 'Europe/Athens', 'Europe/Istanbul', 'Africa/Lagos', 'Africa/Nairobi',
  'Africa/Johannesburg', 'Asia/Dubai', 'Asia/Kolkata', 'Asia/Singapore', 'Asia/Shanghai', 'Asia/Tokyo', 'Asia/Seoul', 'Australia/Sydney',
  'Pacific/Auckland', 'America/Sao_Paulo', 'America/New_York', 'America/Toronto', 'America/Chicago', 'America/Denver', 'America/Mexico_City',
  'America/Los_Angeles',
] as const;

export interface ScheduleFormData {
  projectId: number;
  slug: string;
  channelId?: string;
  /** A preset's `every` text, or CUSTOM_CADENCE. */
  cadence: string;
  /** The custom schedule as typed (a cron or a friendly form). */
  custom?: string;
  tz: string;
  window?: string;
  /** What the chosen schedule will do, or why it is not accepted. */
  preview: { ok: true; value: SchedulePreview } | { ok: false; message: string };
}

const plain = (text: string) => ({ type: 'plain_text' as const, text: clip(text, 75), emoji: true });
const option = (value: string, text: string): PlainTextOption => ({ text: plain(text), value });

/** A fire time read in the schedule's zone, e.g. "Mon 7 Dec, 09:00". */
export function zonedTime(d: Date, tz: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: tz, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
}

/** The preview under the inputs: the schedule in words, its cron and zone, and its next check-ins. */
export function previewText(p: ScheduleFormData['preview']): string {
  if (!p.ok) return `:warning: ${esc(p.message)}`;
  const v = p.value;
  return `*Check-ins ${esc(v.description)}* (\`${esc(v.cron)}\`, ${esc(v.tz)}).\nNext: ${v.next.map((d) => zonedTime(d, v.tz)).join(' · ')} (${esc(v.tz)} time).`;
}

/**
 * The viability schedule form: a cadence (presets, or a custom cron or friendly form), a time zone
 * and the answer window, with a preview that the app redraws as the choice changes (the inputs
 * dispatch their changes). Pure: data in, modal out.
 */
export function scheduleFormModal(d: ScheduleFormData): ModalView {
  const meta: ScheduleFormMeta = { projectId: d.projectId, slug: d.slug, ...(d.channelId ? { channelId: d.channelId } : {}) };
  const cadences = [...CADENCE_PRESETS.map((c) => option(c.every, c.label)), option(CUSTOM_CADENCE, 'Custom (type it below)')];
  const zones = COMMON_ZONES.includes(d.tz as (typeof COMMON_ZONES)[number]) ? [...COMMON_ZONES] : [d.tz, ...COMMON_ZONES];
  const zoneOptions = zones.slice(0, 100).map((z) => option(z, z));
  const blocks: Block[] = [
    section(`When should *${esc(d.slug)}* ask "Is the project still viable?"`),
    {
      type: 'input',
      block_id: SCHEDULE_FORM.cadenceBlock,
      dispatch_action: true,
      label: plain('Cadence'),
      element: { type: 'static_select', action_id: SCHEDULE_FORM.cadenceAction, options: cadences, ...initialOf(cadences, d.cadence) },
    },
    {
      type: 'input',
      block_id: SCHEDULE_FORM.cronBlock,
      dispatch_action: true,
      optional: true,
      label: plain('Custom schedule'),
      hint: plain('With Cadence "Custom": a cron expression (5 fields, or 6 with seconds) or a form like "weekly mon 09:00", "every 2h". Press Enter to preview.'),
      element: { type: 'plain_text_input', action_id: SCHEDULE_FORM.cronAction, placeholder: plain('0 9 * * 1-5'), ...(d.custom ? { initial_value: d.custom } : {}) },
    } satisfies InputBlock,
    {
      type: 'input',
      block_id: SCHEDULE_FORM.tzBlock,
      dispatch_action: true,
      label: plain('Time zone'),
      element: { type: 'static_select', action_id: SCHEDULE_FORM.tzAction, options: zoneOptions, ...initialOf(zoneOptions, d.tz) },
    },
    {
      type: 'input',
      block_id: SCHEDULE_FORM.windowBlock,
      optional: true,
      label: plain('Answers close after'),
      hint: plain('e.g. 24h, 90m, 2d. Blank: 24 hours, or less if check-ins come more often.'),
      element: { type: 'plain_text_input', action_id: SCHEDULE_FORM.windowAction, placeholder: plain('24h'), ...(d.window ? { initial_value: d.window } : {}) },
    },
    { type: 'context', block_id: SCHEDULE_FORM.previewBlock, elements: [{ type: 'mrkdwn', text: clip(previewText(d.preview), 3000) }] },
  ];
  return {
    type: 'modal',
    callback_id: SCHEDULE_FORM.view,
    private_metadata: JSON.stringify(meta),
    title: plain('Viability check-ins'),
    submit: plain('Save schedule'),
    close: plain('Cancel'),
    blocks,
  };
}

function initialOf(options: PlainTextOption[], value: string): { initial_option?: PlainTextOption } {
  const found = options.find((o) => o.value === value);
  return found ? { initial_option: found } : {};
}

/** After saving: the modal shows what was scheduled (the same sentence as the flag path's reply). */
export function scheduleSavedModal(text: string): ModalView {
  return { type: 'modal', callback_id: SCHEDULE_FORM.view, title: plain('Viability check-ins'), close: plain('Done'), blocks: [section(text)] };
}

/** `/mlops viability <slug>`: the schedule as it is, and a button to set it in the form. */
export function scheduleShownReply(slug: string, projectId: number, s: { cron: string; timezone: string; nextRunAt: Date } | undefined): { text: string; blocks: Block[] } {
  const text = scheduleShownText(slug, s);
  return {
    text,
    blocks: [section(text), actions('viability_schedule', [{ text: s ? 'Change schedule…' : 'Set schedule…', actionId: SCHEDULE_FORM.button, value: String(projectId) }]), context('Only the project owner sets the schedule.')],
  };
}
