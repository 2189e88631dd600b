import { z } from 'zod';
import { parseDeadline } from '../../../../domain/gates/deadline.js';
import { DomainError } from '../../../../domain/errors.js';
import { parsePhase } from '../../../../domain/lifecycle.js';
import { parseSlug } from '../../../../domain/projects/slug.js';
import { requireProject } from '../../../../services/projects/find-project.js';
import { openGate } from '../../../../services/gates/open-gate.js';
import { parseArgs, words } from '../../../command-parser.js';
import { gateOpenedReply } from '../../../../messages/gate.js';
import type { CommandReply, CommandRequest, Subcommand } from '../subcommand.js';
import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../../../deps.js';
import { gateFormModal } from '../../../../messages/forms/gate-form.js';
import { defaultGateDeadline, gateFormProject } from '../../../../services/gates/gate-form-data.js';

const FLAGS = { to: 'string', voters: 'users', quorum: 'string', deadline: 'string', anonymous: 'boolean', 'hide-results': 'boolean', 'show-results': 'boolean' } as const;

const Quorum = z
  .string()
  .regex(/^\d+$/, 'Quorum must be a whole number of voters, e.g. --quorum 3.')
  .transform(Number);

/** --hide-results / --show-results; neither: the default (hidden for anonymous gates). */
function hideResults(flags: ReadonlySet<string>): boolean | undefined {
  if (flags.has('hide-results') && flags.has('show-results')) throw new DomainError('invalid_flags', 'Use --hide-results or --show-results, not both.');
  if (flags.has('hide-results')) return true;
  if (flags.has('show-results')) return false;
  return undefined;
}

/**
 * `/mlops gate <slug>` alone opens the gate form (views.open needs the command's trigger, valid for
 * 3 s, so this is one of the few direct Web API calls). Who may open a gate is checked before the
 * form opens, and again when it is submitted.
 */
async function openGateForm(deps: Deps, req: CommandRequest, client: WebClient, slug: string, now: Date): Promise<CommandReply> {
  const project = gateFormProject(await requireProject(deps, req.teamId, slug), req.userId);
  const view = gateFormModal({ project, deadline: defaultGateDeadline(now), channelId: req.channelId });
  try {
    await client.views.open({ trigger_id: req.triggerId, view });
  } catch (err) {
    deps.log.warn('the gate form did not open', err);
    return { text: `The gate form for *${project.slug}* did not open (Slack allows 3 seconds for it). Try again, or open the gate with flags: \`/mlops gate ${project.slug} --deadline 48h\`.` };
  }
  return { text: `Opening the gate form for *${project.slug}*…` };
}

export const gateCommand: Subcommand = {
  name: 'gate',
  usage: '/mlops gate <slug> [--to <phase>] [--voters @a @b…] [--quorum N] [--deadline 48h|2d|<ISO time>] [--anonymous] [--hide-results|--show-results] [question…]',
  summary: 'Open a go/no-go vote on moving the project to its next phase (or --to another one). With just the slug, a form opens (the "Open a gate" shortcut opens it too). Defaults: the brief\'s stakeholders vote, majority quorum, 48 h. The project owner may open any gate; a stakeholder, with the default voters and quorum.',
  brief: 'Open a go/no-go vote on moving a project to another phase.',
  async run(deps, req, client) {
    const args = parseArgs(req.tokens, FLAGS);
    const [slugWord, ...questionWords] = words(args.positionals);
    const slug = parseSlug(slugWord);
    const now = deps.clock.now();
    // Nothing but the slug: the form asks for what the flags would say.
    if (req.tokens.length === 1) return openGateForm(deps, req, client, slug, now);
    // Parse everything before touching the database, so a typo is reported before "unknown project".
    const toPhase = args.strings.to !== undefined ? parsePhase(args.strings.to) : undefined;
    const quorumResult = args.strings.quorum !== undefined ? Quorum.safeParse(args.strings.quorum) : undefined;
    if (quorumResult && !quorumResult.success) throw new DomainError('invalid_quorum', quorumResult.error.issues[0]!.message);
    const deadline = args.strings.deadline !== undefined ? parseDeadline(args.strings.deadline, now) : undefined;
    const project = await requireProject(deps, req.teamId, slug);
    const gate = await openGate(
      deps,
      project,
      {
        openedBy: req.userId,
        toPhase,
        voters: args.users.voters,
        quorum: quorumResult?.data,
        deadline,
        anonymous: args.booleans.has('anonymous'),
        hideResults: hideResults(args.booleans),
        question: questionWords.join(' ').trim() || undefined,
      },
      now,
    );
    return gateOpenedReply({ slug: project.slug, channelId: gate.channelId, fromPhase: gate.fromPhase, toPhase: gate.toPhase, voters: gate.voters.length, quorum: gate.quorum, deadline: gate.deadline, anonymous: gate.anonymous });
  },
};
