import { z } from 'zod';

/**
 * Ids of the forms that stand in for flags: the gate form (from `/mlops gate <slug>` or the global
 * shortcut) and the viability schedule form. Inputs whose prefill depends on the project carry the
 * project id in their block id: Slack keeps what a person typed in an input whose block id is
 * unchanged by views.update, so a new project's defaults need new block ids to show.
 */
export const GATE_FORM = {
  shortcut: 'open_gate',
  view: 'gate.form',
  projectBlock: 'gate_project',
  projectAction: 'gate.form.project',
  phaseBlock: 'gate_phase',
  phaseAction: 'to_phase',
  votersBlock: 'gate_voters',
  votersAction: 'voters',
  deadlineBlock: 'gate_deadline',
  deadlineAction: 'deadline',
  quorumBlock: 'gate_quorum',
  quorumAction: 'quorum',
  questionBlock: 'gate_question',
  questionAction: 'question',
  optionsBlock: 'gate_options',
  optionsAction: 'options',
} as const;

export const SCHEDULE_FORM = {
  button: 'viability.schedule_form',
  view: 'viability.schedule_form.view',
  cadenceBlock: 'schedule_cadence',
  cadenceAction: 'viability.schedule_form.cadence',
  cronBlock: 'schedule_cron',
  cronAction: 'viability.schedule_form.cron',
  tzBlock: 'schedule_tz',
  tzAction: 'viability.schedule_form.tz',
  windowBlock: 'schedule_window',
  windowAction: 'window',
  previewBlock: 'schedule_preview',
} as const;

/** A block id for a project's prefilled input, and the base it is found by. */
export const projectBlockId = (base: string, projectId: number | undefined) => (projectId === undefined ? base : `${base}@${projectId}`);

/** What the gate form remembers: the project (when the command named it) and where it was asked from. */
export const GateFormMeta = z.object({ projectId: z.number().int().positive().optional(), channelId: z.string().min(1).optional() });
export type GateFormMeta = z.infer<typeof GateFormMeta>;

/** What the schedule form remembers: the project (its slug only to redraw the form) and the channel of the click. */
export const ScheduleFormMeta = z.object({ projectId: z.number().int().positive(), slug: z.string().min(1).max(100), channelId: z.string().min(1).optional() });
export type ScheduleFormMeta = z.infer<typeof ScheduleFormMeta>;

/** The "Set schedule…" button carries the project id. */
export const ProjectIdValue = z.string().regex(/^\d{1,15}$/).transform(Number);
