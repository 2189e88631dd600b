import { esc, mention, slackDate } from './blocks.js';

/** What a snippet says where the app's address goes when PUBLIC_URL is not set. */
export const NO_PUBLIC_URL = '<the app’s address>';

/**
 * The answer to `/mlops token <slug>`: the token (shown this once) and how to use it, from a shell,
 * Python and CI, with the app's real address when the deployment set PUBLIC_URL. The snippets use
 * MLOPS_URL and MLOPS_TOKEN, the variables the Python client and the CI script read, and an
 * Idempotency-Key the person chooses, since no one variable identifies a run on every CI.
 */
export function tokenCreatedText(t: { slug: string; publicId: string; token: string; name?: string | null; expiresAt?: Date | null; publicUrl?: string }): string {
  const url = t.publicUrl ?? NO_PUBLIC_URL;
  const body = `'{"metrics":{"auc":0.91},"params":{"lr":"0.01"}}'`;
  const shell = [
    `export MLOPS_URL=${url}`,
    `export MLOPS_TOKEN=<the token above>`,
    `curl -X POST "$MLOPS_URL/api/v1/projects/${t.slug}/runs" -H "Authorization: Bearer $MLOPS_TOKEN" -H "Content-Type: application/json" -H "Idempotency-Key: <one per run, e.g. the CI job id>" -d ${body}`,
  ].join('\n');
  const python = [`curl -O ${url}/clients/mlops_lifecycle.py   # the Python client: one file, standard library only`, `python3 -c 'from mlops_lifecycle import log_run; log_run("${t.slug}", {"auc": 0.91})'`].join('\n');
  return [
    `:key: API token${t.name ? ` \`${t.name}\`` : ''} for *${esc(t.slug)}* (id \`${t.publicId}\`${t.expiresAt ? `, expires ${slackDate(t.expiresAt, '{date_short}')}` : ''}). It is shown only this once; store it as a secret:`,
    `\`\`\`${t.token}\`\`\``,
    // Slack reads < > & as markup even in code blocks: escaped, the placeholders show as typed.
    `Log a run from a shell or CI:\n\`\`\`${esc(shell)}\`\`\``,
    `From Python:\n\`\`\`${esc(python)}\`\`\``,
    `GitHub Actions and GitLab CI can run \`${esc(url)}/ci/mlops-log-run.sh\`, which fills in the commit, branch and job link.`,
    ...(t.publicUrl ? [] : ['_Set PUBLIC_URL in the app’s environment and these snippets show its address._']),
    `Revoke it with \`/mlops token ${t.slug} revoke ${t.publicId}\`.`,
  ].join('\n');
}

/** A project's tokens for `/mlops token <slug> list`: name, id, who made it, expiry and last use; newest first. */
export function tokenListText(
  slug: string,
  tokens: readonly { publicId: string; name: string | null; createdBy: string; createdAt: Date; revokedAt: Date | null; expiresAt: Date | null; lastUsedAt: Date | null }[],
  now: Date,
): string {
  const lines = tokens.slice(0, 30).map((t) => {
    const state = t.revokedAt
      ? `revoked ${slackDate(t.revokedAt, '{date_short}')}`
      : t.expiresAt && t.expiresAt <= now
        ? `expired ${slackDate(t.expiresAt, '{date_short}')}`
        : `live${t.expiresAt ? ` until ${slackDate(t.expiresAt, '{date_short}')}` : ''}`;
    const used = t.lastUsedAt ? `last used ${slackDate(t.lastUsedAt)}` : 'never used';
    return `• ${t.name ? `*${t.name}* ` : ''}\`${t.publicId}\` by ${mention(t.createdBy)} ${slackDate(t.createdAt, '{date_short}')} — ${state} · ${used}`;
  });
  const more = tokens.length > 30 ? `\n…and ${tokens.length - 30} older` : '';
  return `API tokens of *${esc(slug)}*:\n${lines.join('\n')}${more}`;
}
