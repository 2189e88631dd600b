import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { openHome } from '../../../services/projects/home.js';

/** The person opened the Home tab: draw it now (and from then on it is redrawn when what it shows changes). */
export function appHomeOpened(deps: Deps) {
  return async ({ event, client, context }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => {
    if (event.tab !== 'home') return;
    await client.views.publish({ user_id: event.user, view: await openHome(deps, context.teamId ?? '', event.user) });
  };
}
