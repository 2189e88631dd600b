import type { AlertAction } from '../../../../domain/drift/alert-policy.js';
import { DomainError } from '../../../../domain/errors.js';
import { actionConfirmation, alertChannelText, settingsChangedText } from '../../../../messages/drift.js';
import { actOnOpenAlert } from '../../../../services/drift/alerts/by-command.js';
import { ALL_COLUMNS, changeDriftSettings, setDriftAlertChannel, type SettingsChange } from '../../../../services/drift/settings.js';
import { driftStatus } from '../../../../services/drift/status.js';
import { requireProject } from '../../../../services/projects/find-project.js';
import type { Token } from '../../../command-parser.js';
import type { Subcommand } from '../subcommand.js';

const USAGE =
  '/mlops drift <slug> · /mlops drift <slug> set <column|*> test=<ks|chisquare|z|wasserstein|jensenshannon|psi> threshold=<number> · /mlops drift <slug> set * share=0.4 · /mlops drift <slug> channel #channel · /mlops drift <slug> ack|snooze|resolve';

const ACTIONS: Record<string, AlertAction> = { ack: 'acknowledge', acknowledge: 'acknowledge', snooze: 'snooze', resolve: 'resolve' };

const word = (t: Token | undefined): string | undefined => (t?.kind === 'word' ? t.value : undefined);

/** `set <column|*> key=value… | reset`; without a target, `*`. */
export function parseSettingsChange(tokens: Token[]): SettingsChange {
  const first = word(tokens[0]);
  if (tokens.length === 0 || first === undefined) throw new DomainError('missing_target', 'Say what to set: a column name or * (every column), then key=value pairs.');
  const hasTarget = !first.includes('=');
  const target = hasTarget ? first : ALL_COLUMNS;
  const values: Record<string, string> = {};
  let reset = false;
  for (const t of tokens.slice(hasTarget ? 1 : 0)) {
    const w = word(t);
    if (w?.toLowerCase() === 'reset') {
      reset = true;
      continue;
    }
    const m = w === undefined ? null : /^([a-z][a-z-]*)=(.*)$/i.exec(w);
    if (!m) throw new DomainError('bad_pair', `Expected key=value (like test=ks or threshold=0.01), got "${w ?? 'a mention'}".`);
    values[m[1]!.toLowerCase()] = m[2]!;
  }
  return { target, values, reset };
}

/**
 * `/mlops drift`: the drift status of a project (whoever may read it); its thresholds and alert
 * channel (the owner); and, typed in the alert channel, ack / snooze / resolve of the open alert.
 */
export const driftCommand: Subcommand = {
  name: 'drift',
  usage: USAGE,
  summary:
    'Drift of the monitored columns (latest batch, open alert, thresholds in force); the owner sets tests and thresholds per column or for every column (*), the dataset drift share, and the alert channel.',
  brief: "A project's drift; the owner sets tests, thresholds and the alert channel.",
  async run(deps, req) {
    const [slugToken, actionToken, ...rest] = req.tokens;
    const slug = word(slugToken);
    if (!slug) throw new DomainError('missing_slug', 'A project slug is required.');
    const actor = { userId: req.userId, channelId: req.channelId };
    const actionWord = actionToken === undefined ? undefined : word(actionToken)?.toLowerCase();
    if (actionToken !== undefined && actionWord === undefined) throw new DomainError('unknown_action', 'After the slug comes set, channel, ack, snooze or resolve.');
    if (actionWord === undefined) {
      const project = await requireProject(deps, req.teamId, slug);
      return driftStatus(deps, project, actor);
    }
    if (actionWord === 'set') {
      const change = parseSettingsChange(rest);
      const project = await requireProject(deps, req.teamId, slug);
      const { notes, config } = await changeDriftSettings(deps, project, actor, change);
      return { text: settingsChangedText({ slug: project.slug, change, notes, config: { settings: config.settings, alertChannelId: config.channelId, ackTimeoutMinutes: config.ackTimeoutMinutes, replyIntervalMinutes: config.replyIntervalMinutes } }) };
    }
    if (actionWord === 'channel') {
      const [where, extra] = rest;
      if (!where || extra) throw new DomainError('bad_channel', 'Name one channel: `channel #alerts`, or `channel home` for the project’s own channel.');
      const home = word(where)?.toLowerCase();
      if (where.kind !== 'channel' && home !== 'home') throw new DomainError('bad_channel', 'Name the channel as #channel (Slack turns it into a link), or `home` for the project’s own channel.');
      const project = await requireProject(deps, req.teamId, slug);
      const config = await setDriftAlertChannel(deps, project, actor, where.kind === 'channel' ? where.id : null);
      return { text: alertChannelText(project.slug, config.channelId, !config.alertChannelSet) };
    }
    const action = ACTIONS[actionWord];
    if (!action) throw new DomainError('unknown_action', `Unknown "${actionWord.slice(0, 40)}": use set, channel, ack, snooze or resolve.`);
    if (rest.length) throw new DomainError('extra_args', `${actionWord} takes nothing more.`);
    const project = await requireProject(deps, req.teamId, slug);
    const result = await actOnOpenAlert(deps, project, actor, action);
    const i = result.incident;
    return { text: actionConfirmation(action, { kind: result.kind, status: i.status, changedBy: i.changedBy, snoozedUntil: i.snoozedUntil }) };
  },
};
