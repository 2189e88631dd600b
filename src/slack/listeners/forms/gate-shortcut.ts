import type { AllMiddlewareArgs, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { gateFormModal } from '../../../messages/forms/gate-form.js';
import { defaultGateDeadline, gateFormProject, gateFormProjects } from '../../../services/gates/gate-form-data.js';
import { requireProjectById } from '../../../services/projects/find-project.js';

const ShortcutBody = z.looseObject({
  trigger_id: z.string().min(1),
  user: z.looseObject({ id: z.string().min(1), team_id: z.string().optional() }),
  team: z.looseObject({ id: z.string().min(1) }).nullish(),
});

/**
 * The "Open a gate" global shortcut: the gate form with a picker of the projects this person may
 * open a gate on. Picking one refills the form with that project's defaults (gate-project-picked).
 */
export function gateShortcut(deps: Deps) {
  return async ({ ack, body, client }: SlackShortcutMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const b = ShortcutBody.safeParse(body);
    if (!b.success) return;
    const teamId = b.data.team?.id ?? b.data.user.team_id ?? '';
    const userId = b.data.user.id;
    const projects = await gateFormProjects(deps, teamId, userId);
    // With one project to choose from, it is chosen: the form opens with its defaults.
    const only = projects.length === 1 ? gateFormProject(await requireProjectById(deps, teamId, projects[0]!.id), userId) : undefined;
    const view = gateFormModal({ projects, ...(only ? { project: only } : {}), deadline: defaultGateDeadline(deps.clock.now()) });
    await client.views.open({ trigger_id: b.data.trigger_id, view }).catch((err: unknown) => deps.log.warn('the gate form did not open (the shortcut\'s trigger expired?)', err));
  };
}
