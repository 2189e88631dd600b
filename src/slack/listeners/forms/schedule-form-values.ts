import { z } from 'zod';
import { CUSTOM_CADENCE } from '../../../messages/forms/schedule-form.js';
import { SCHEDULE_FORM } from '../../../messages/ids/forms.js';
import type { ViewStateValues } from './view-state.js';

/** The schedule form as filled in: the cadence picked (a preset's text or "custom"), the custom text, zone and window. */
export const ScheduleFormValues = z.object({
  cadence: z.string().max(200).optional(),
  custom: z.string().max(200, 'That schedule is too long: a cron expression has at most 6 fields.').optional(),
  tz: z.string().max(100).optional(),
  window: z.string().max(20, 'Write the window as a number and a unit, e.g. 24h.').optional(),
});
export type ScheduleFormValues = z.infer<typeof ScheduleFormValues>;

const BLOCK_OF: Record<keyof ScheduleFormValues, string> = {
  cadence: SCHEDULE_FORM.cadenceBlock,
  custom: SCHEDULE_FORM.cronBlock,
  tz: SCHEDULE_FORM.tzBlock,
  window: SCHEDULE_FORM.windowBlock,
};

export function readScheduleForm(values: ViewStateValues): { ok: true; values: ScheduleFormValues } | { ok: false; errors: Record<string, string> } {
  const at = (block: string, action: string) => values[block]?.[action];
  const text = (s: string | null | undefined) => (s == null || s.trim() === '' ? undefined : s.trim());
  const parsed = ScheduleFormValues.safeParse({
    cadence: at(SCHEDULE_FORM.cadenceBlock, SCHEDULE_FORM.cadenceAction)?.selected_option?.value,
    custom: text(at(SCHEDULE_FORM.cronBlock, SCHEDULE_FORM.cronAction)?.value),
    tz: at(SCHEDULE_FORM.tzBlock, SCHEDULE_FORM.tzAction)?.selected_option?.value,
    window: text(at(SCHEDULE_FORM.windowBlock, SCHEDULE_FORM.windowAction)?.value),
  });
  if (parsed.success) return { ok: true, values: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[BLOCK_OF[issue.path[0] as keyof ScheduleFormValues] ?? SCHEDULE_FORM.cadenceBlock] ??= issue.message;
  return { ok: false, errors };
}

/** The schedule the form stands for: the custom text when Custom is picked, else the preset. */
export function chosenSchedule(v: ScheduleFormValues): string | undefined {
  return v.cadence === CUSTOM_CADENCE || v.cadence === undefined ? v.custom : v.cadence;
}

/** The block a schedule problem belongs to: the custom input when that is what was used. */
export const scheduleBlock = (v: ScheduleFormValues) => (v.cadence === CUSTOM_CADENCE ? SCHEDULE_FORM.cronBlock : SCHEDULE_FORM.cadenceBlock);
