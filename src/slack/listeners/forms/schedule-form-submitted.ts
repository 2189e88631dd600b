import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { scheduleSavedModal } from '../../../messages/forms/schedule-form.js';
import { SCHEDULE_FORM, ScheduleFormMeta } from '../../../messages/ids/forms.js';
import { scheduleSetText } from '../../../messages/viability-commands.js';
import { requireProjectById } from '../../../services/projects/find-project.js';
import { setViabilitySchedule } from '../../../services/viability/schedule.js';
import { isDatabaseUnavailable } from '../../../shared/database-unavailable.js';
import { chosenSchedule, readScheduleForm, scheduleBlock, type ScheduleFormValues } from './schedule-form-values.js';
import { parseJson, ViewPayload } from './view-state.js';

const Submission = z.looseObject({
  user: z.looseObject({ id: z.string().min(1), team_id: z.string().optional() }),
  team: z.looseObject({ id: z.string().min(1) }).nullish(),
  view: ViewPayload,
});

/** Where a refusal of setViabilitySchedule goes in the form. */
function blockFor(code: string, v: ScheduleFormValues): string {
  if (code === 'invalid_timezone') return SCHEDULE_FORM.tzBlock;
  if (code === 'invalid_window' || code === 'window_too_long') return SCHEDULE_FORM.windowBlock;
  return scheduleBlock(v);
}

/**
 * The schedule form submitted: the chosen schedule goes to setViabilitySchedule, the verb behind
 * `--every`, which checks the owner, parses the schedule with the app's own parser and stores it.
 * Then the modal shows what was scheduled (the flag path's sentence); a refusal stays in the form
 * next to its input, and nothing is written.
 */
export function scheduleFormSubmitted(deps: Deps) {
  return async ({ ack, body }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    const sub = Submission.safeParse(body);
    const meta = sub.success ? ScheduleFormMeta.safeParse(parseJson(sub.data.view.private_metadata)) : undefined;
    if (!sub.success || !meta?.success) {
      await ack({ response_action: 'errors', errors: { [SCHEDULE_FORM.cadenceBlock]: 'This form could not be read; close it and click Set schedule… again.' } });
      return;
    }
    const form = readScheduleForm(sub.data.view.state.values);
    if (!form.ok) {
      await ack({ response_action: 'errors', errors: form.errors });
      return;
    }
    const v = form.values;
    const every = chosenSchedule(v);
    if (!every) {
      await ack({ response_action: 'errors', errors: { [SCHEDULE_FORM.cronBlock]: 'Type the schedule: a cron expression such as 0 9 * * 1-5, or a form like "weekly mon 09:00".' } });
      return;
    }
    const teamId = sub.data.team?.id ?? sub.data.user.team_id ?? '';
    try {
      const project = await requireProjectById(deps, teamId, meta.data.projectId);
      const actor = { userId: sub.data.user.id, ...(meta.data.channelId ? { channelId: meta.data.channelId } : {}) };
      const set = await setViabilitySchedule(deps, project, actor, { every, ...(v.tz ? { tz: v.tz } : {}), ...(v.window ? { window: v.window } : {}) });
      await ack({ response_action: 'update', view: scheduleSavedModal(scheduleSetText({ slug: project.slug, channelId: project.channelId, ...set })) });
    } catch (err) {
      if (err instanceof DomainError) {
        await ack({ response_action: 'errors', errors: { [blockFor(err.code, v)]: err.message } });
        return;
      }
      if (!isDatabaseUnavailable(err)) deps.log.error('saving a viability schedule from the form failed', err);
      await ack({ response_action: 'errors', errors: { [scheduleBlock(v)]: 'The schedule could not be saved, and nothing was changed. Try again in a moment.' } });
    }
  };
}
