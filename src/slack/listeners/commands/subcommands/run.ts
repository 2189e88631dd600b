import { DomainError } from '../../../../domain/errors.js';
import { findProject } from '../../../../db/repositories/projects.js';
import { insertRun } from '../../../../db/repositories/runs.js';
import { runLabel } from '../../../../domain/experiments/summary.js';
import { narrate, scopeOf, summarizeStoredRun, summaryMessage } from '../../../../services/experiments/summarize.js';
import { esc } from '../../../../messages/blocks.js';
import { fmt } from '../../../../messages/run-summary.js';
import type { Subcommand } from '../subcommand.js';
import { parseRunCommand } from './run-args.js';

export const unknownProject = (slug: string) => new DomainError('unknown_project', `There is no project \`${slug}\` in this workspace. \`/mlops status\` lists the projects in this channel.`);

export const runCommand: Subcommand = {
  name: 'run',
  usage: '/mlops run <slug> <metric>=<number>… [--param k=v]… [--dataset v] [--commit sha] [--name n] [--note "…"]  ·  /mlops run <slug> {"metrics":{…},"params":{…}}',
  summary: 'Log an experiment run; its summary against the targets and the best earlier run is posted in the project channel.',
  async run(deps, req, client) {
    const { slug, input } = parseRunCommand(req);
    const project = await findProject(deps.db, req.teamId, slug);
    if (!project) throw unknownProject(slug);
    const { run } = await insertRun(deps.db, scopeOf(project), {
      name: input.name,
      authorId: req.userId,
      source: 'slack',
      metrics: input.metrics,
      params: input.params,
      dataset: input.dataset,
      commitSha: input.commit,
      note: input.note,
      now: deps.clock.now(),
    });
    const figures = Object.entries(run.metrics).slice(0, 10).map(([k, v]) => `${k}=${fmt(v)}`).join(', ');
    return {
      text: `:white_check_mark: Logged *${esc(runLabel(run))}* in *${esc(project.slug)}* (${figures}${Object.keys(run.metrics).length > 10 ? ', …' : ''}). The summary follows in <#${project.channelId}>.`,
      // The comparison, the post and the LLM narrative are slow work: after the ack. The numbers go out
      // first; a narrative, when there is one, is added to the same message.
      after: async () => {
        const summary = await summarizeStoredRun(deps, project, run);
        let ts: string | undefined;
        try {
          ts = (await client.chat.postMessage({ channel: project.channelId, ...summaryMessage(project, run, summary) })).ts;
        } catch (err) {
          const reason = (err as { data?: { error?: string } }).data?.error ?? (err as Error).message;
          deps.log.warn(`run summary for ${project.slug} could not be posted: ${reason}`);
          await client.chat.postEphemeral({ channel: req.channelId, user: req.userId, text: `The run is saved, but its summary could not be posted in <#${project.channelId}> (${reason}). Is the app in that channel?` });
          return;
        }
        const narrative = await narrate(deps, project.slug, summary);
        if (narrative && ts) await client.chat.update({ channel: project.channelId, ts, ...summaryMessage(project, run, summary, narrative) });
      },
    };
  },
};
