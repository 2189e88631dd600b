import { z } from 'zod';
import { DomainError } from '../../../../domain/errors.js';
import { MLFLOW_ALIAS } from '../../../../domain/integrations/mlflow.js';
import { parseSlug } from '../../../../domain/projects/slug.js';
import { mlflowConnectedText, mlflowShownText } from '../../../../messages/mlflow.js';
import { NO_PUBLIC_URL } from '../../../../messages/tokens.js';
import { connectMlflow, disconnectMlflow, showMlflow } from '../../../../services/integrations/mlflow-hook.js';
import { requireProject } from '../../../../services/projects/find-project.js';
import { parseArgs, words } from '../../../command-parser.js';
import type { Subcommand } from '../subcommand.js';

const Args = z.object({
  model: z.string().trim().min(1, '--model names the registered model in MLflow').max(256).optional(),
  alias: z.string().regex(MLFLOW_ALIAS, '--alias is 1–64 letters, digits, _ or -, as MLflow aliases are').optional(),
  trackingUrl: z
    .string()
    .max(500)
    .refine((v) => /^https?:\/\/[^\s|<>]+$/.test(v) && URL.canParse(v), '--tracking-url is the http(s) address of the MLflow tracking server')
    .optional(),
});

export const mlflowCommand: Subcommand = {
  name: 'mlflow',
  usage: '/mlops mlflow <slug> --model <registered model> [--alias champion] [--tracking-url https://…] · /mlops mlflow <slug> · /mlops mlflow <slug> off',
  summary:
    'Connect a project to a registered model in MLflow (owner only): new versions are posted in the project channel, and setting the alias (default champion) on a version opens the deployment gate, whose outcome is reported in the version’s thread. Prints the webhook address and secret to give MLflow, once.',
  brief: 'Connect a project to a model in MLflow’s registry.',
  async run(deps, req) {
    const parsed = parseArgs(req.tokens, { model: 'string', alias: 'string', 'tracking-url': 'string' });
    const [slugWord, action, extra] = words(parsed.positionals);
    if (extra !== undefined || (action !== undefined && action !== 'off')) throw new DomainError('extra_args', `Unexpected "${(extra ?? action)!.slice(0, 40)}": use --model to connect, or off.`);
    const args = Args.parse({ model: parsed.strings.model, alias: parsed.strings.alias, trackingUrl: parsed.strings['tracking-url'] });
    const project = await requireProject(deps, req.teamId, parseSlug(slugWord));
    const actor = { userId: req.userId, channelId: req.channelId };
    if (action === 'off') {
      if (args.model || args.alias || args.trackingUrl) throw new DomainError('extra_args', '`off` takes no options.');
      return { text: (await disconnectMlflow(deps, project, actor)) ? `*${project.slug}* is disconnected from MLflow: deliveries to its old address are refused.` : `*${project.slug}* was not connected to MLflow.` };
    }
    if (!args.model) {
      if (args.alias || args.trackingUrl) throw new DomainError('missing_model', '--alias and --tracking-url go with --model <registered model>.');
      return { text: mlflowShownText(project.slug, await showMlflow(deps, project, actor)) };
    }
    const { hook, secret } = await connectMlflow(deps, project, actor, { model: args.model, alias: args.alias, trackingUrl: args.trackingUrl });
    const webhookUrl = `${deps.config.publicUrl ?? NO_PUBLIC_URL}/api/v1/integrations/mlflow/webhook?hook=${hook.publicId}`;
    return { text: mlflowConnectedText({ slug: project.slug, model: hook.modelName, alias: hook.alias, trackingUrl: hook.trackingUrl, webhookUrl, secret }) };
  },
};
