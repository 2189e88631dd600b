import { DomainError } from '../../../../domain/errors.js';
import { firstQuestion } from '../../../../domain/intake/answer.js';
import { parseSlug } from '../../../../domain/projects/slug.js';
import { findProject, listProjects } from '../../../../db/repositories/projects.js';
import { startIntake } from '../../../../db/repositories/intakes.js';
import { armIdleTimer } from '../../../../services/intake/idle-timer.js';
import { parseArgs } from '../../../command-parser.js';
import { openIntakeThread } from '../../../../services/intake/conversation.js';
import type { Subcommand } from '../subcommand.js';

/** Without a slug the project is named `idea-<n>`; a few tries cover a concurrent intake taking the same number. */
async function ideaSlugs(deps: Parameters<Subcommand['run']>[0], teamId: string): Promise<string[]> {
  const n = (await listProjects(deps.db, teamId)).length + 1;
  return [0, 1, 2, 3, 4].map((i) => `idea-${n + i}`);
}

export const intakeCommand: Subcommand = {
  name: 'intake',
  usage: '/mlops intake [slug] [@people…]',
  summary: 'Start a design-phase intake in a thread here: I ask what the design brief needs; you (and anyone you mention) answer in the thread.',
  async run(deps, req, client) {
    const args = parseArgs(req.tokens, {});
    const words = args.positionals.filter((t) => t.kind === 'word').map((t) => (t as { value: string }).value);
    const mentioned = args.positionals.filter((t) => t.kind === 'user').map((t) => (t as { id: string }).id);
    if (args.positionals.some((t) => t.kind === 'channel')) throw new DomainError('extra_args', 'intake starts in this channel; run it there instead of naming a channel.');
    if (words.length > 1) throw new DomainError('extra_args', `Unexpected "${words[1]!.slice(0, 40)}": intake takes one project slug, then optional @mentions.`);
    const candidates = words[0] !== undefined ? [parseSlug(words[0])] : await ideaSlugs(deps, req.teamId);
    const participants = [...new Set([req.userId, ...mentioned])];
    const q = firstQuestion();
    const now = deps.clock.now();
    for (const slug of candidates) {
      const started = await startIntake(deps.db, { teamId: req.teamId, slug, channelId: req.channelId, requesterId: req.userId, participants, field: q.field, question: q.question, asked: { [q.field]: 1 }, now });
      if (!started) continue;
      await armIdleTimer(deps.db, started.intake, now);
      return {
        text: `Starting the design intake for \`${slug}\` in a thread in this channel.${words[0] === undefined ? ' (No slug given, so I named it for you.)' : ''}`,
        after: () => openIntakeThread(deps, client, { ...started, responseUrl: req.responseUrl }),
      };
    }
    if (words[0] === undefined) throw new DomainError('slug_taken', 'Could not find a free project name; give one: `/mlops intake churn-model`.');
    const existing = await findProject(deps.db, req.teamId, candidates[0]!);
    throw new DomainError('slug_taken', `There is already a project \`${candidates[0]}\` in this workspace${existing ? ` (in <#${existing.channelId}>)` : ''}. Choose another slug.`);
  },
};
