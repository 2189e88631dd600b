import { z } from 'zod';
import { PHASES } from '../../../domain/lifecycle.js';
import { SlackUserId } from '../../../domain/intake/brief.js';
import { ANONYMOUS_OPTION, HIDE_RESULTS_OPTION } from '../../../messages/forms/gate-form.js';
import { GATE_FORM } from '../../../messages/ids/forms.js';
import { inputByAction, type ViewStateValues } from './view-state.js';

/** The gate form as submitted, before any rule of the gate is applied (openGate applies them). */
export const GateFormValues = z.object({
  projectId: z.number().int().positive().optional(),
  toPhase: z.enum(PHASES, { error: 'Pick a phase from the list.' }).optional(),
  voters: z.array(SlackUserId),
  deadline: z.date().optional(),
  quorum: z.number({ error: 'Quorum must be a whole number of voters, e.g. 3.' }).int('Quorum must be a whole number of voters, e.g. 3.').min(1, 'Quorum must be at least 1.').optional(),
  question: z.string().trim().optional(),
  anonymous: z.boolean(),
  hideResults: z.boolean(),
});
export type GateFormValues = z.infer<typeof GateFormValues>;

export type GateFormRead = { ok: true; values: GateFormValues; blocks: Record<keyof GateFormValues, string> } | { ok: false; errors: Record<string, string> };

const FIELD_ACTIONS: Record<keyof GateFormValues, { action: string; block: string }> = {
  projectId: { action: GATE_FORM.projectAction, block: GATE_FORM.projectBlock },
  toPhase: { action: GATE_FORM.phaseAction, block: GATE_FORM.phaseBlock },
  voters: { action: GATE_FORM.votersAction, block: GATE_FORM.votersBlock },
  deadline: { action: GATE_FORM.deadlineAction, block: GATE_FORM.deadlineBlock },
  quorum: { action: GATE_FORM.quorumAction, block: GATE_FORM.quorumBlock },
  question: { action: GATE_FORM.questionAction, block: GATE_FORM.questionBlock },
  anonymous: { action: GATE_FORM.optionsAction, block: GATE_FORM.optionsBlock },
  hideResults: { action: GATE_FORM.optionsAction, block: GATE_FORM.optionsBlock },
};

/**
 * Reads the gate form's inputs into plain values, checked for shape with zod; a wrong shape comes
 * back as an error on the input's own block. Also says which block each field is in, so errors of
 * the gate's own rules go next to the right input.
 */
export function readGateForm(values: ViewStateValues): GateFormRead {
  const blocks = Object.fromEntries(
    Object.entries(FIELD_ACTIONS).map(([field, { action, block }]) => [field, inputByAction(values, action)?.blockId ?? block]),
  ) as Record<keyof GateFormValues, string>;
  const get = (field: keyof GateFormValues) => inputByAction(values, FIELD_ACTIONS[field].action)?.state;
  const text = (s: string | null | undefined) => (s == null || s.trim() === '' ? undefined : s);
  const quorumText = text(get('quorum')?.value);
  const picked = get('projectId')?.selected_option?.value;
  const options = (get('anonymous')?.selected_options ?? []).map((o) => o.value);
  const seconds = get('deadline')?.selected_date_time;
  const raw = {
    projectId: picked === undefined ? undefined : Number(picked),
    toPhase: get('toPhase')?.selected_option?.value,
    voters: get('voters')?.selected_users ?? [],
    deadline: seconds == null ? undefined : new Date(seconds * 1000),
    quorum: quorumText === undefined ? undefined : Number(quorumText.trim()),
    question: text(get('question')?.value),
    anonymous: options.includes(ANONYMOUS_OPTION),
    hideResults: options.includes(HIDE_RESULTS_OPTION),
  };
  const parsed = GateFormValues.safeParse(raw);
  if (parsed.success) return { ok: true, values: parsed.data, blocks };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as keyof GateFormValues;
    const block = blocks[field] ?? GATE_FORM.deadlineBlock;
    // Slack's user picker gives user ids; anything else is a forged or broken form, said plainly.
    errors[block] ??= field === 'voters' ? 'Pick the voters from the list of people.' : issue.message;
  }
  return { ok: false, errors };
}
