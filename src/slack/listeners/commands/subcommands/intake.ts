import { DomainError } from '../../../../domain/errors.js';
import { parseSlug } from '../../../../domain/projects/slug.js';
import { startIntake } from '../../../../services/intake/start-intake.js';
import { parseArgs } from '../../../command-parser.js';
import type { Subcommand } from '../subcommand.js';

export const intakeCommand: Subcommand = {
  name: 'intake',
  usage: '/mlops intake [slug] [@people…]',
  summary: 'Start a design-phase intake in a thread here: I ask what the design brief needs; you (and anyone you mention) answer in the thread.',
  brief: 'Start a design-phase intake in a thread here.',
  async run(deps, req) {
    const args = parseArgs(req.tokens, {});
    const words = args.positionals.filter((t) => t.kind === 'word').map((t) => (t as { value: string }).value);
    const mentioned = args.positionals.filter((t) => t.kind === 'user').map((t) => (t as { id: string }).id);
    if (args.positionals.some((t) => t.kind === 'channel')) throw new DomainError('extra_args', 'intake starts in this channel; run it there instead of naming a channel.');
    if (words.length > 1) throw new DomainError('extra_args', `Unexpected "${words[1]!.slice(0, 40)}": intake takes one project slug, then optional @mentions.`);
    const slug = words[0] !== undefined ? parseSlug(words[0]) : undefined;
    const participants = [...new Set([req.userId, ...mentioned])];
    const started = await startIntake(deps, { teamId: req.teamId, channelId: req.channelId, requesterId: req.userId, slug, participants, responseUrl: req.responseUrl });
    return {
      text: `Starting the design intake for \`${started.slug}\` in a thread in this channel.${slug === undefined ? ' (No slug given, so I named it for you.)' : ''}`,
    };
  },
};
