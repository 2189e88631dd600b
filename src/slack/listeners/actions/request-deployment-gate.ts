import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { findProjectById } from '../../../db/repositories/projects.js';
import { findRun } from '../../../db/repositories/runs.js';
import { runLabel } from '../../../domain/experiments/summary.js';
import { requestGate } from '../../../services/gates/request-gate.js';
import { tellUser } from '../tell-user.js';

const ButtonValue = z.object({ projectId: z.number().int().positive(), runId: z.number().int().positive() });
const Body = z.object({ team: z.object({ id: z.string() }), user: z.object({ id: z.string() }), channel: z.object({ id: z.string() }) });

/** "Request deployment gate" on a run summary: asks the gates feature to open one, and tells the clicker what happened. */
export function requestDeploymentGate(deps: Deps) {
  return async ({ ack, body, action, client }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    const b = Body.safeParse(body);
    let value: z.infer<typeof ButtonValue> | undefined;
    try {
      value = ButtonValue.parse(JSON.parse(action.value ?? ''));
    } catch {
      value = undefined;
    }
    if (!b.success || !value) {
      deps.log.warn('malformed Request deployment gate click');
      return;
    }
    const { team, user, channel } = b.data;
    const project = await findProjectById(deps.db, team.id, value.projectId);
    const run = project ? await findRun(deps.db, { teamId: team.id, projectId: project.id }, value.runId) : undefined;
    const result =
      project && run
        ? await requestGate(deps, { teamId: team.id, projectId: project.id, toPhase: 'deployment', requestedBy: user.id, reason: `Run ${runLabel(run)} met every target.` })
        : { ok: false, message: 'That project or run no longer exists.' };
    await tellUser(deps, client, channel.id, user.id, result.message);
  };
}
