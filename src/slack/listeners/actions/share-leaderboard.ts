import type { AllMiddlewareArgs, BlockButtonAction, RespondArguments, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { parseShareLeaderboardValue } from '../../../messages/ids/runs.js';
import type { Block } from '../../../messages/blocks.js';
import { leaderboardSharedNotice } from '../../../messages/leaderboard.js';
import { shareLeaderboard, type ShareLeaderboardResult } from '../../../services/experiments/share-leaderboard.js';
import { tellUser } from '../tell-user.js';

const Body = z.object({
  team: z.object({ id: z.string().min(1) }),
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1) }).optional(),
  container: z.object({ channel_id: z.string().optional() }).loose().optional(),
});

const SOMETHING_WRONG = ':x: Something went wrong on our side; the leaderboard was not shared. Please try again in a moment.';

/**
 * "Share to channel" under a private `/mlops runs` answer. Acknowledged at once (drawing the chart
 * takes longer than Slack waits), then the verb checks the clicker's access and queues the post;
 * only then is the private answer replaced with where it was shared, through the click's
 * response_url. A refusal or a failure is told to the clicker alone and leaves their private
 * leaderboard, and its button, in place.
 */
export function shareLeaderboardClicked(deps: Deps) {
  return async ({ ack, body, action, respond, client }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    const b = Body.safeParse(body);
    const value = parseShareLeaderboardValue(action.value);
    const channelId = b.success ? (b.data.channel?.id ?? b.data.container?.channel_id) : undefined;
    // The clicker's own answer: replacing the private leaderboard, or beside it.
    const answer = async (text: string, replace: boolean, blocks?: Block[]) => {
      const reply: RespondArguments = { response_type: 'ephemeral', replace_original: replace, text, ...(blocks ? { blocks } : {}) };
      if ((body as { response_url?: string }).response_url) return respond(reply).catch((err: unknown) => deps.log.warn('share answer through response_url failed', err));
      if (b.success) return tellUser(deps, client, channelId, b.data.user.id, text);
    };
    if (!b.success || !value) {
      deps.log.warn('malformed Share to channel click');
      await answer('That button could not be read; run `/mlops runs <slug>` again to share a fresh leaderboard.', false);
      return;
    }
    let result: ShareLeaderboardResult;
    try {
      const { projectId, nonce, metric, lastN } = value;
      result = await shareLeaderboard(deps, { teamId: b.data.team.id, projectId, nonce, metric, lastN, actor: { userId: b.data.user.id, ...(channelId ? { channelId } : {}) } }, deps.clock.now());
    } catch (err) {
      if (!(err instanceof DomainError)) deps.log.error('Share to channel failed', err);
      await answer(err instanceof DomainError ? `:no_entry_sign: ${err.message}` : SOMETHING_WRONG, false);
      return;
    }
    const { project } = result;
    if (result.kind === 'no_runs') {
      await answer(`*${project.slug}* has no runs to share any more.`, false);
      return;
    }
    const notice = leaderboardSharedNotice({ projectSlug: project.slug, channelId: project.channelId, already: result.kind === 'already_shared' });
    await answer(notice.text, true, notice.blocks);
  };
}
