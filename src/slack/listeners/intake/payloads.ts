import { z } from 'zod';

/** The parts of a Design brief button click this feature reads. */
export const BriefButtonClick = z.object({
  team: z.object({ id: z.string().min(1) }).nullish(),
  user: z.object({ id: z.string().min(1), team_id: z.string().optional() }),
  trigger_id: z.string().min(1),
  container: z.object({ channel_id: z.string().min(1), message_ts: z.string().min(1), thread_ts: z.string().optional() }),
  actions: z.array(z.object({ value: z.string().regex(/^\d{1,15}$/) })).min(1),
});
export type BriefButtonClick = z.infer<typeof BriefButtonClick>;

export const BriefModalMeta = z.object({ projectId: z.number().int().positive(), channelId: z.string().min(1), ts: z.string().min(1), version: z.number().int().nonnegative() });

const InputState = z.object({ value: z.string().nullish(), selected_users: z.array(z.string()).nullish() });
export const BriefModalSubmission = z.object({
  team: z.object({ id: z.string().min(1) }).nullish(),
  user: z.object({ id: z.string().min(1), team_id: z.string().optional() }),
  view: z.object({
    private_metadata: z.string(),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), InputState)) }),
  }),
});
