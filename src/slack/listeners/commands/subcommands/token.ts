import { DomainError } from '../../../../domain/errors.js';
import { esc, mention, slackDate } from '../../../../messages/blocks.js';
import { requireProject } from '../../../../services/projects/find-project.js';
import { createToken } from '../../../../services/tokens/create-token.js';
import { listProjectTokens } from '../../../../services/tokens/list-tokens.js';
import { revokeToken } from '../../../../services/tokens/revoke-token.js';
import { tokenCreatedText } from '../../../../messages/tokens.js';
import { parseArgs, words } from '../../../command-parser.js';
import type { Subcommand } from '../subcommand.js';

const USAGE = '/mlops token <slug> · /mlops token <slug> list · /mlops token <slug> revoke <id>';

export const tokenCommand: Subcommand = {
  name: 'token',
  usage: USAGE,
  summary: 'Create an API token for a project (shown once, only to you), list its tokens, or revoke one.',
  brief: "Create, list or revoke a project's API tokens.",
  async run(deps, req) {
    const args = parseArgs(req.tokens, {});
    const [slugWord, action, id, extra] = words(args.positionals);
    if (extra !== undefined) throw new DomainError('extra_args', `Unexpected "${extra.slice(0, 40)}".`);
    const project = await requireProject(deps, req.teamId, slugWord);
    const slug = project.slug;
    const actor = { userId: req.userId, channelId: req.channelId };

    if (action === undefined) {
      const t = await createToken(deps, project, actor);
      return { text: tokenCreatedText({ slug, publicId: t.publicId, token: t.token, publicUrl: deps.config.publicUrl }) };
    }
    if (action === 'list' && id === undefined) {
      const tokens = await listProjectTokens(deps, project, actor);
      if (tokens.length === 0) return { text: `*${esc(slug)}* has no API tokens. Create one with \`/mlops token ${slug}\`.` };
      const lines = tokens.slice(0, 30).map((t) => `• \`${t.publicId}\` by ${mention(t.createdBy)} ${slackDate(t.createdAt, '{date_short}')}${t.revokedAt ? ` — revoked ${slackDate(t.revokedAt, '{date_short}')}` : ' — live'}`);
      return { text: `API tokens of *${esc(slug)}*:\n${lines.join('\n')}` };
    }
    if (action === 'revoke') {
      const outcome = await revokeToken(deps, project, req.userId, id);
      if (outcome === 'already_revoked') return { text: `Token \`${id}\` of *${esc(slug)}* was already revoked.` };
      return { text: `:no_entry: Token \`${id}\` of *${esc(slug)}* is revoked; requests with it now get 401.` };
    }
    throw new DomainError('token_action', `Unknown token action "${String(action).slice(0, 40)}": use list or revoke <id>.`);
  },
};
