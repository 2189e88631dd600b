import { type Block, context, esc, inlineCode as code, section } from './blocks.js';
import { formatMetric } from '../shared/format-metric.js';
import type { GateOutcome } from '../shared/enums.js';

const link = (url: string | null | undefined, label: string) => (url ? `<${url}|${esc(label)}>` : esc(label));

export interface MlflowVersionView {
  slug: string;
  model: string;
  version: string;
  runId?: string | null;
  source?: string | null;
  description?: string | null;
  /** From the tracking server's run, when one is configured and answered; numbers from MLflow, never a model. */
  metrics: { name: string; value: number }[];
  versionUrl?: string | null;
  runUrl?: string | null;
}

/** The message of a new model version: the thread its alias, gate and gate outcome reply in. */
export function mlflowVersionMessage(v: MlflowVersionView): { text: string; blocks: Block[] } {
  const title = `:package: New version ${link(v.versionUrl, `${v.model} v${v.version}`)} registered in MLflow for *${esc(v.slug)}*`;
  const blocks: Block[] = [section(title)];
  const facts: string[] = [];
  if (v.runId) facts.push(`source run ${v.runUrl ? `<${v.runUrl}|${esc(v.runId.slice(0, 12))}>` : code(v.runId.slice(0, 12))}`);
  if (v.source) facts.push(`artifacts ${code(v.source.slice(0, 200))}`);
  if (v.metrics.length) blocks.push(section(`*Run metrics*\n${v.metrics.slice(0, 20).map((m) => `• ${code(m.name)} ${formatMetric(m.value)}`).join('\n')}`));
  if (v.description) blocks.push(section(`_${esc(v.description.slice(0, 1000))}_`));
  if (facts.length) blocks.push(context(facts.join(' · ')));
  return { text: `New version ${v.version} of ${v.model} registered in MLflow for ${v.slug}`, blocks };
}

/** In the version's thread: its alias was set, and what that did. */
export function mlflowAliasReply(a: { alias: string; model: string; version: string; gate: { opened: true; channelId: string } | { opened: false; reason: string } }): { text: string; blocks: Block[] } {
  const set = `:label: Alias ${code(a.alias)} set on ${code(`${a.model}`)} v${esc(a.version)} in MLflow`;
  const line = a.gate.opened
    ? `${set}: the deployment gate is open in <#${a.gate.channelId}> — its outcome will be posted here.`
    : `${set}, but no deployment gate was opened: ${esc(a.gate.reason)}`;
  return { text: line, blocks: [section(line)] };
}

const OUTCOME_TEXT: Record<GateOutcome, string> = {
  go: ':white_check_mark: *GO*: the project moved to deployment',
  no_go: ':x: *NO-GO*: the project stays in development',
  no_quorum: ':warning: *NO QUORUM*: too few votes; the project stays in development',
  superseded: ':fast_forward: closed without a decision: the project left development another way',
};

/** In the version's thread, when the gate its alias opened closes. */
export function mlflowOutcomeReply(o: { model: string; version: string; outcome: GateOutcome }): { text: string; blocks: Block[] } {
  const line = `Deployment gate for ${code(o.model)} v${esc(o.version)} closed — ${OUTCOME_TEXT[o.outcome]}.`;
  return { text: line, blocks: [section(line)] };
}

/** The answer to `/mlops mlflow <slug> --model …`: where MLflow should deliver, and the secret, shown once. */
export function mlflowConnectedText(c: { slug: string; model: string; alias: string; trackingUrl: string | null; webhookUrl: string; secret: string }): string {
  const snippet = [
    'from mlflow import MlflowClient',
    `MlflowClient().create_webhook(name="mlops-lifecycle-${c.slug}", url="${c.webhookUrl}",`,
    `    events=["model_version.created", "model_version_alias.created"], secret="${c.secret}")`,
  ].join('\n');
  return [
    `:link: *${esc(c.slug)}* now listens to MLflow model ${code(c.model)}: a new version is posted here, and alias ${code(c.alias)} on a version opens the deployment gate.${c.trackingUrl ? ` Links and run metrics come from ${esc(c.trackingUrl)}.` : ''}`,
    'Create the webhook in MLflow (its secret is shown only this once):',
    `\`\`\`${esc(snippet)}\`\`\``,
    `\`/mlops mlflow ${c.slug} off\` disconnects it; running this command again replaces the secret.`,
  ].join('\n');
}

/** `/mlops mlflow <slug>`: how the project is connected, without the secret. */
export function mlflowShownText(slug: string, hook: { modelName: string; alias: string; trackingUrl: string | null } | undefined): string {
  if (!hook) return `*${esc(slug)}* is not connected to MLflow. Connect it with \`/mlops mlflow ${slug} --model <registered model> [--alias champion] [--tracking-url https://…]\`.`;
  return `*${esc(slug)}* listens to MLflow model ${code(hook.modelName)}; alias ${code(hook.alias)} opens the deployment gate${hook.trackingUrl ? `; tracking server ${esc(hook.trackingUrl)}` : ''}.`;
}
