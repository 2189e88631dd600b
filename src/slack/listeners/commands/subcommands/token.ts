import { DomainError } from '../../../../domain/errors.js';
import { esc } from '../../../../messages/blocks.js';
import { requireProject } from '../../../../services/projects/find-project.js';
import { createToken } from '../../../../services/tokens/create-token.js';
import { listProjectTokens } from '../../../../services/tokens/list-tokens.js';
import { revokeToken } from '../../../../services/tokens/revoke-token.js';
import { tokenCreatedText, tokenListText } from '../../../../messages/tokens.js';
import { parseTokenLifetime, TOKEN_NAME, TOKEN_NAME_RULE } from '../../../../domain/experiments/api-token.js';
import { parseArgs, words } from '../../../command-parser.js';
import type { Subcommand } from '../subcommand.js';

const USAGE = '/mlops token <slug> [--name github-actions] [--expires 90d] · /mlops token <slug> list · /mlops token <slug> revoke <id>';

export const tokenCommand: Subcommand = {
  name: 'token',
  usage: USAGE,
  summary: 'Create an API token for a project (shown once, only to you) — named for what uses it, so its runs and alerts say who sent them, and optionally expiring (--expires 90d or 12w) — list its tokens with their last use, or revoke one.',
  brief: "Create, list or revoke a project's API tokens.",
  async run(deps, req) {
    const args = parseArgs(req.tokens, { name: 'string', expires: 'string' });
    const [slugWord, action, id, extra] = words(args.positionals);
    if (extra !== undefined) throw new DomainError('extra_args', `Unexpected "${extra.slice(0, 40)}".`);
    // Checked before the project is looked up, so a typo is the first thing reported.
    const name = args.strings.name?.toLowerCase();
    if (name !== undefined && !TOKEN_NAME.test(name)) throw new DomainError('invalid_token_name', TOKEN_NAME_RULE);
    const lifetime = args.strings.expires !== undefined ? parseTokenLifetime(args.strings.expires) : undefined;
    if (lifetime === null) throw new DomainError('invalid_expiry', '--expires takes days or weeks from now, from 1d to 5 years: e.g. --expires 90d or --expires 12w.');
    if (action !== undefined && (name !== undefined || lifetime !== undefined)) throw new DomainError('extra_args', '--name and --expires go with creating a token: `/mlops token <slug> --name github-actions`.');
    const project = await requireProject(deps, req.teamId, slugWord);
    const slug = project.slug;
    const actor = { userId: req.userId, channelId: req.channelId };

    if (action === undefined) {
      const t = await createToken(deps, project, actor, { name, lifetimeMs: lifetime?.ms });
      return { text: tokenCreatedText({ slug, publicId: t.publicId, token: t.token, name: t.name, expiresAt: t.expiresAt, publicUrl: deps.config.publicUrl }) };
    }
    if (action === 'list' && id === undefined) {
      const tokens = await listProjectTokens(deps, project, actor);
      if (tokens.length === 0) return { text: `*${esc(slug)}* has no API tokens. Create one with \`/mlops token ${slug}\`.` };
      return { text: tokenListText(slug, tokens, deps.clock.now()) };
    }
    if (action === 'revoke') {
      const outcome = await revokeToken(deps, project, req.userId, id);
      if (outcome === 'already_revoked') return { text: `Token \`${id}\` of *${esc(slug)}* was already revoked.` };
      return { text: `:no_entry: Token \`${id}\` of *${esc(slug)}* is revoked; requests with it now get 401.` };
    }
    throw new DomainError('token_action', `Unknown token action "${String(action).slice(0, 40)}": use list or revoke <id>.`);
  },
};
