import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { requestDeploymentGate } from '../../../services/experiments/request-deployment-gate.js';
import { tellUser } from '../tell-user.js';

const ButtonValue = z.object({ projectId: z.number().int().positive(), runId: z.number().int().positive() });
const Body = z.object({ team: z.object({ id: z.string() }), user: z.object({ id: z.string() }), channel: z.object({ id: z.string() }) });

function parseValue(text: string | undefined): z.infer<typeof ButtonValue> | undefined {
  try {
    return ButtonValue.parse(JSON.parse(text ?? ''));
  } catch {
    return undefined;
  }
}

/** "Request deployment gate" on a run summary: asks for the gate, and tells the clicker what happened. */
export function requestDeploymentGateClicked(deps: Deps) {
  return async ({ ack, body, action, client }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    const b = Body.safeParse(body);
    const value = parseValue(action.value);
    if (!b.success || !value) {
      deps.log.warn('malformed Request deployment gate click');
      return;
    }
    const { team, user, channel } = b.data;
    const result = await requestDeploymentGate(deps, { teamId: team.id, projectId: value.projectId, runId: value.runId, userId: user.id });
    await tellUser(deps, client, channel.id, user.id, result.message);
  };
}
