import { runLabel } from '../../../../domain/experiments/summary.js';
import { esc } from '../../../../messages/blocks.js';
import { logSlackRun } from '../../../../services/experiments/log-slack-run.js';
import { requireProjectFor } from '../../../../services/projects/find-project.js';
import { formatMetric } from '../../../../shared/format-metric.js';
import type { Subcommand } from '../subcommand.js';
import { parseRunCommand } from './run-args.js';

export const runCommand: Subcommand = {
  name: 'run',
  usage: '/mlops run <slug> <metric>=<number>… [--param k=v]… [--dataset v] [--commit sha] [--name n] [--note "…"]  ·  /mlops run <slug> {"metrics":{…},"params":{…}}',
  brief: 'Log an experiment run; its summary goes in the day’s experiments thread.',
  summary: 'Log an experiment run; its summary against the targets and the best earlier run is posted in the project channel’s experiments thread of the day, whose first message keeps the day’s count and best run.',
  async run(deps, req) {
    const { slug, input } = parseRunCommand(req);
    const project = await requireProjectFor(deps, req.teamId, slug, 'log_run', { userId: req.userId, channelId: req.channelId });
    // Stored, and its summary queued in the outbox, before the ack says "Logged".
    const { run, thread, afterAck } = await logSlackRun(deps, project, req.userId, input);
    const where = thread.permalink ? `<${thread.permalink}|today’s experiments thread> in <#${project.channelId}>` : `today’s experiments thread in <#${project.channelId}>`;
    const figures = Object.entries(run.metrics).slice(0, 10).map(([k, v]) => `${k}=${formatMetric(v)}`).join(', ');
    return {
      text: `:white_check_mark: Logged *${esc(runLabel(run))}* in *${esc(project.slug)}* (${figures}${Object.keys(run.metrics).length > 10 ? ', …' : ''}). Its summary follows in ${where}.`,
      after: afterAck,
    };
  },
};
