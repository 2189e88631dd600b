import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { Deps } from '../../../deps.js';
import { listProjects } from '../../../db/repositories/projects.js';
import { gatesAwaitingVote } from '../../../services/gates/awaiting-vote.js';
import { homeView } from '../../../messages/home.js';

export function appHomeOpened(deps: Deps) {
  return async ({ event, client, context }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs) => {
    if (event.tab !== 'home') return;
    const teamId = context.teamId ?? '';
    const all = await listProjects(deps.db, teamId);
    const mine = all.filter((p) => p.ownerId === event.user || stakeholdersOf(p.brief).includes(event.user));
    const awaitingVote = await gatesAwaitingVote(deps, teamId, event.user);
    await client.views.publish({ user_id: event.user, view: homeView({ userId: event.user, projects: mine, awaitingVote }) as never });
  };
}

function stakeholdersOf(brief: unknown): string[] {
  const s = (brief as { stakeholders?: unknown } | null)?.stakeholders;
  return Array.isArray(s) ? s.filter((x): x is string => typeof x === 'string') : [];
}
