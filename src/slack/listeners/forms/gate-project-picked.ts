import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { gateFormModal, type GateFormProject } from '../../../messages/forms/gate-form.js';
import { ProjectIdValue } from '../../../messages/ids/forms.js';
import { defaultGateDeadline, gateFormProject, gateFormProjects } from '../../../services/gates/gate-form-data.js';
import { requireProjectById } from '../../../services/projects/find-project.js';
import { ViewPayload } from './view-state.js';

const PickBody = z.looseObject({
  user: z.looseObject({ id: z.string().min(1), team_id: z.string().optional() }),
  team: z.looseObject({ id: z.string().min(1) }).nullish(),
  actions: z.array(z.looseObject({ selected_option: z.looseObject({ value: ProjectIdValue }) })).min(1),
  view: ViewPayload,
});

/**
 * A project picked in the shortcut's gate form: the form is redrawn with its defaults (phases,
 * the brief's stakeholders as voters). `hash` makes Slack refuse the update if the form changed
 * meanwhile (a second pick): the later pick redraws it.
 */
export function gateProjectPicked(deps: Deps) {
  return async ({ ack, body, client }: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const b = PickBody.safeParse(body);
    if (!b.success || !b.data.view.id) return;
    const teamId = b.data.team?.id ?? b.data.user.team_id ?? '';
    const userId = b.data.user.id;
    let project: GateFormProject | undefined;
    try {
      project = gateFormProject(await requireProjectById(deps, teamId, b.data.actions[0]!.selected_option.value), userId);
    } catch (err) {
      // A project deleted, or one this person no longer may gate, since the list was drawn: the list is redrawn.
      if (!(err instanceof DomainError)) throw err;
    }
    const projects = await gateFormProjects(deps, teamId, userId);
    const view = gateFormModal({ projects, ...(project ? { project } : {}), deadline: defaultGateDeadline(deps.clock.now()) });
    await client.views
      .update({ view_id: b.data.view.id, ...(b.data.view.hash ? { hash: b.data.view.hash } : {}), view })
      .catch((err: unknown) => deps.log.warn('the gate form was not redrawn for the picked project', err));
  };
}
