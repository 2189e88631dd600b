import { z } from 'zod';

/** One input's state as Slack sends it in `view.state.values` (the fields this app's forms use). */
const InputState = z.looseObject({
  type: z.string().optional(),
  value: z.string().nullish(),
  selected_option: z.looseObject({ value: z.string() }).nullish(),
  selected_options: z.array(z.looseObject({ value: z.string() })).nullish(),
  selected_users: z.array(z.string()).nullish(),
  selected_date_time: z.number().nullish(),
});
export type InputState = z.infer<typeof InputState>;

export const ViewStateValues = z.record(z.string(), z.record(z.string(), InputState));
export type ViewStateValues = z.infer<typeof ViewStateValues>;

/** The modal as a submission or a click inside it carries it. */
export const ViewPayload = z.looseObject({
  id: z.string().optional(),
  hash: z.string().optional(),
  callback_id: z.string(),
  private_metadata: z.string().default(''),
  state: z.looseObject({ values: ViewStateValues }).default({ values: {} }),
});

/**
 * An input by its action id, and the block it sits in: a form's prefilled inputs carry the project
 * in their block id (ids/forms.ts), so the block id is found, not assumed; errors go back to it.
 */
export function inputByAction(values: ViewStateValues, actionId: string): { blockId: string; state: InputState } | undefined {
  for (const [blockId, actions] of Object.entries(values)) {
    const state = actions[actionId];
    if (state) return { blockId, state };
  }
  return undefined;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
