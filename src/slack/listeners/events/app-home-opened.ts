import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { homeFor } from '../../../services/projects/home.js';

export function appHomeOpened(deps: Deps) {
  return async ({ event, client, context }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => {
    if (event.tab !== 'home') return;
    await client.views.publish({ user_id: event.user, view: (await homeFor(deps, context.teamId ?? '', event.user)) });
  };
}
