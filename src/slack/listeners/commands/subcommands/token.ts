import { DomainError } from '../../../../domain/errors.js';
import { PUBLIC_ID, newToken } from '../../../../domain/experiments/api-token.js';
import { parseSlug } from '../../../../domain/projects/slug.js';
import { insertApiToken, findToken, listTokens, revokeToken } from '../../../../db/repositories/api-tokens.js';
import { recordAudit } from '../../../../db/repositories/audit.js';
import { findProject, type ProjectRow } from '../../../../db/repositories/projects.js';
import { parseArgs, words } from '../../../command-parser.js';
import { esc, mention, slackDate } from '../../../../messages/blocks.js';
import type { Subcommand } from '../subcommand.js';
import { unknownProject } from './run.js';

/**
 * A token reads and writes every run of a project, so it is handed out where the project is
 * visible: in its own channel (membership is Slack's access control, private channels included),
 * or to its owner and stakeholders anywhere.
 */
function mayUseTokens(req: { userId: string; channelId: string }, project: ProjectRow): boolean {
  const stakeholders = (project.brief as { stakeholders?: unknown } | null)?.stakeholders;
  return req.channelId === project.channelId || req.userId === project.ownerId || (Array.isArray(stakeholders) && stakeholders.includes(req.userId));
}

const USAGE = '/mlops token <slug> · /mlops token <slug> list · /mlops token <slug> revoke <id>';

export const tokenCommand: Subcommand = {
  name: 'token',
  usage: USAGE,
  summary: 'Create an API token for a project (shown once, only to you), list its tokens, or revoke one.',
  async run(deps, req) {
    const args = parseArgs(req.tokens, {});
    const [slugWord, action, id, extra] = words(args.positionals);
    const slug = parseSlug(slugWord);
    if (extra !== undefined) throw new DomainError('extra_args', `Unexpected "${extra.slice(0, 40)}".`);
    const project = await findProject(deps.db, req.teamId, slug);
    if (!project) throw unknownProject(slug);
    const now = deps.clock.now();
    if ((action === undefined || action === 'list') && !mayUseTokens(req, project)) {
      return {
        text: `API tokens of *${esc(slug)}* are managed in its channel <#${project.channelId}>, or by its owner (${mention(project.ownerId)}) and stakeholders: a token reads every run of the project.`,
      };
    }

    if (action === undefined) {
      const t = newToken();
      await insertApiToken(deps.db, { teamId: req.teamId, projectId: project.id, publicId: t.publicId, tokenHash: t.hash, createdBy: req.userId, now });
      await recordAudit(deps.db, { teamId: req.teamId, projectId: project.id, actorId: req.userId, action: 'api_token.created', detail: { tokenId: t.publicId }, at: now });
      const example = `curl -X POST https://<this app>/api/v1/projects/${slug}/runs -H "Authorization: Bearer $MLOPS_TOKEN" -H "Content-Type: application/json" -H "Idempotency-Key: $CI_JOB_ID" -d '{"metrics":{"auc":0.91},"params":{"lr":0.01}}'`;
      return {
        text: [
          `:key: API token for *${esc(slug)}* (id \`${t.publicId}\`). It is shown only this once; store it as a secret:`,
          `\`\`\`${t.token}\`\`\``,
          `Log a run from CI or a notebook:\n\`\`\`${example}\`\`\``,
          `Revoke it with \`/mlops token ${slug} revoke ${t.publicId}\`.`,
        ].join('\n'),
      };
    }
    if (action === 'list' && id === undefined) {
      const tokens = await listTokens(deps.db, req.teamId, project.id);
      if (tokens.length === 0) return { text: `*${esc(slug)}* has no API tokens. Create one with \`/mlops token ${slug}\`.` };
      const lines = tokens.slice(0, 30).map((t) => `• \`${t.publicId}\` by ${mention(t.createdBy)} ${slackDate(t.createdAt, '{date_short}')}${t.revokedAt ? ` — revoked ${slackDate(t.revokedAt, '{date_short}')}` : ' — live'}`);
      return { text: `API tokens of *${esc(slug)}*:\n${lines.join('\n')}` };
    }
    if (action === 'revoke') {
      if (!id || !PUBLIC_ID.test(id)) throw new DomainError('token_id', 'Name the token to revoke by its id, as `/mlops token <slug> list` shows it.');
      const token = await findToken(deps.db, req.teamId, project.id, id);
      if (!token) throw new DomainError('unknown_token', `*${slug}* has no token \`${id}\`.`);
      if (token.revokedAt) return { text: `Token \`${id}\` of *${esc(slug)}* was already revoked.` };
      if (req.userId !== token.createdBy && req.userId !== project.ownerId) {
        return { text: `Only the person who created token \`${id}\` (${mention(token.createdBy)}) or the project owner (${mention(project.ownerId)}) can revoke it.` };
      }
      if (await revokeToken(deps.db, req.teamId, token.id, req.userId, now)) {
        await recordAudit(deps.db, { teamId: req.teamId, projectId: project.id, actorId: req.userId, action: 'api_token.revoked', detail: { tokenId: id }, at: now });
      }
      return { text: `:no_entry: Token \`${id}\` of *${esc(slug)}* is revoked; requests with it now get 401.` };
    }
    throw new DomainError('token_action', `Unknown token action "${String(action).slice(0, 40)}": use list or revoke <id>.`);
  },
};
