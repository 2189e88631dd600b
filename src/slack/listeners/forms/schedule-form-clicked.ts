import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { scheduleFormModal } from '../../../messages/forms/schedule-form.js';
import { ProjectIdValue } from '../../../messages/ids/forms.js';
import { requireProjectById } from '../../../services/projects/find-project.js';
import { scheduleFormFor } from '../../../services/viability/schedule-form-data.js';
import { answerClick, clickPlace } from '../tell-user.js';

const Click = z.looseObject({
  trigger_id: z.string().min(1),
  user: z.looseObject({ id: z.string().min(1), team_id: z.string().optional() }),
  team: z.looseObject({ id: z.string().min(1) }).nullish(),
  actions: z.array(z.looseObject({ value: ProjectIdValue })).min(1),
});

/**
 * "Set schedule…" under `/mlops viability <slug>`: opens the schedule form, prefilled with the
 * current schedule, for the owner; anyone else is told who sets schedules.
 */
export function scheduleFormClicked(deps: Deps) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const c = Click.safeParse(body);
    if (!c.success) return;
    const place = clickPlace(body);
    const teamId = c.data.team?.id ?? c.data.user.team_id ?? '';
    const userId = c.data.user.id;
    try {
      const project = await requireProjectById(deps, teamId, c.data.actions[0]!.value);
      const form = await scheduleFormFor(deps, project, { userId, ...(place.channel ? { channelId: place.channel } : {}) });
      await client.views.open({ trigger_id: c.data.trigger_id, view: scheduleFormModal(form) });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await answerClick(deps, client, place, userId, err.message, 'refusal');
    }
  };
}
