import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { scheduleFormModal } from '../../../messages/forms/schedule-form.js';
import { ScheduleFormMeta } from '../../../messages/ids/forms.js';
import { previewOf } from '../../../services/viability/schedule-form-data.js';
import { chosenSchedule, readScheduleForm } from './schedule-form-values.js';
import { parseJson, ViewPayload } from './view-state.js';

const Change = z.looseObject({ view: ViewPayload });

/**
 * A cadence, custom schedule or zone changed in the schedule form: the preview is redrawn for it
 * with views.update (with the view's hash, so an older redraw cannot overwrite a newer one). The
 * inputs keep what was typed: their block ids do not change.
 */
export function scheduleFormChanged(deps: Deps) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const b = Change.safeParse(body);
    const meta = b.success ? ScheduleFormMeta.safeParse(parseJson(b.data.view.private_metadata)) : undefined;
    if (!b.success || !meta?.success || !b.data.view.id) return;
    const form = readScheduleForm(b.data.view.state.values);
    if (!form.ok) return;
    const v = form.values;
    const tz = v.tz ?? 'UTC';
    const view = scheduleFormModal({
      projectId: meta.data.projectId,
      slug: meta.data.slug,
      ...(meta.data.channelId ? { channelId: meta.data.channelId } : {}),
      cadence: v.cadence ?? 'custom',
      ...(v.custom ? { custom: v.custom } : {}),
      tz,
      ...(v.window ? { window: v.window } : {}),
      preview: previewOf(chosenSchedule(v), tz, deps.clock.now()),
    });
    await client.views
      .update({ view_id: b.data.view.id, ...(b.data.view.hash ? { hash: b.data.view.hash } : {}), view })
      .catch((err: unknown) => deps.log.debug('the schedule preview was not redrawn (a newer change redraws it)', err));
  };
}
