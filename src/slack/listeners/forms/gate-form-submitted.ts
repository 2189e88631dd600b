import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { isOwnerOrStakeholder, stakeholdersOf } from '../../../domain/access.js';
import { DomainError } from '../../../domain/errors.js';
import { MAX_DEADLINE_DAYS } from '../../../domain/gates/deadline.js';
import { GATE_FORM, GateFormMeta } from '../../../messages/ids/forms.js';
import { openGate } from '../../../services/gates/open-gate.js';
import { type ProjectRow, requireProjectById } from '../../../services/projects/find-project.js';
import { isDatabaseUnavailable } from '../../../shared/database-unavailable.js';
import { type GateFormValues, readGateForm } from './gate-form-values.js';
import { parseJson, ViewPayload } from './view-state.js';

const Submission = z.looseObject({
  user: z.looseObject({ id: z.string().min(1), team_id: z.string().optional() }),
  team: z.looseObject({ id: z.string().min(1) }).nullish(),
  view: ViewPayload,
});

const sameSet = (a: readonly string[], b: readonly string[]) => new Set(a).size === new Set(b).size && a.every((u) => b.includes(u));

/**
 * The gate form submitted: its values are read and shape-checked, then handed to openGate — the
 * verb `/mlops gate`'s flags call — which checks who asks (again: the form may be stale, and its
 * metadata is not trusted for access), the transition, voters, quorum and deadline, and stores the
 * gate with its message queued. Only then is the modal closed; any refusal stays in the form, next
 * to the input it is about, and nothing is written.
 */
export function gateFormSubmitted(deps: Deps) {
  return async ({ ack, body }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    const sub = Submission.safeParse(body);
    const meta = sub.success ? GateFormMeta.safeParse(parseJson(sub.data.view.private_metadata)) : undefined;
    if (!sub.success || !meta?.success) {
      await ack({ response_action: 'errors', errors: { [GATE_FORM.deadlineBlock]: 'This form could not be read; close it and open the gate form again.' } });
      return;
    }
    const form = readGateForm(sub.data.view.state.values);
    if (!form.ok) {
      await ack({ response_action: 'errors', errors: form.errors });
      return;
    }
    const { values, blocks } = form;
    const userId = sub.data.user.id;
    const teamId = sub.data.team?.id ?? sub.data.user.team_id ?? '';
    const projectId = values.projectId ?? meta.data.projectId;
    if (projectId === undefined) {
      await ack({ response_action: 'errors', errors: { [blocks.projectId]: 'Pick the project to open a gate on.' } });
      return;
    }
    const now = deps.clock.now();
    // The flags' limit (parseDeadline) holds for a date picked in the form too.
    if (values.deadline && values.deadline.getTime() - now.getTime() > MAX_DEADLINE_DAYS * 86_400_000) {
      await ack({ response_action: 'errors', errors: { [blocks.deadline]: `The deadline is more than ${MAX_DEADLINE_DAYS} days away; choose a closer one.` } });
      return;
    }
    let project: ProjectRow | undefined;
    try {
      project = await requireProjectById(deps, teamId, projectId);
      const stakeholders = stakeholdersOf(project.brief);
      await openGate(
        deps,
        project,
        {
          openedBy: userId,
          toPhase: values.toPhase,
          // The prefilled stakeholders, left as they were, are the default voters, not a choice of
          // them: a stakeholder may open that gate, and a gate towards retired adds the owner.
          voters: values.voters.length === 0 || sameSet(values.voters, stakeholders) ? undefined : values.voters,
          quorum: values.quorum,
          deadline: values.deadline,
          anonymous: values.anonymous,
          // Unticked is no choice, as without the flags: hidden for anonymous gates, shown for named ones.
          hideResults: values.hideResults ? true : undefined,
          question: values.question,
        },
        now,
      );
    } catch (err) {
      if (err instanceof DomainError) {
        const [block, message] = refusalFor(err, blocks, project, userId, values);
        await ack({ response_action: 'errors', errors: { [block]: message } });
        return;
      }
      if (err instanceof z.ZodError) {
        await ack({ response_action: 'errors', errors: { [blocks.question]: err.issues[0]?.message ?? 'This value is not valid.' } });
        return;
      }
      if (!isDatabaseUnavailable(err)) deps.log.error('opening a gate from the form failed', err);
      await ack({ response_action: 'errors', errors: { [blocks.deadline]: 'The gate could not be opened, and nothing was saved. Try again in a moment.' } });
      return;
    }
    await ack();
  };
}

/**
 * Where a refusal of openGate goes in the form, and its wording there: a modal's error is plain
 * text (no mentions) and the form has no flags, so the few messages that name flags or people are
 * said the form's way.
 */
function refusalFor(err: DomainError, blocks: Record<keyof GateFormValues, string>, project: ProjectRow | undefined, userId: string, values: GateFormValues): [string, string] {
  switch (err.code) {
    case 'not_allowed':
      if (project && isOwnerOrStakeholder(userId, project)) {
        return [values.quorum !== undefined && values.voters.length === 0 ? blocks.quorum : blocks.voters, 'Only the project owner can choose the voters or the quorum. As a stakeholder you can open this gate with the defaults: the brief\'s stakeholders vote, majority quorum (leave Quorum blank).'];
      }
      return [values.projectId !== undefined ? blocks.projectId : blocks.voters, `Only the project owner or a stakeholder named in the design brief of ${project?.slug ?? 'this project'} can open a gate on it.`];
    case 'no_voters':
      return [blocks.voters, 'Pick at least one voter: the design brief names no stakeholders to default to.'];
    case 'owner_must_vote':
      return [blocks.voters, 'A gate towards retired needs the project owner among its voters; add them.'];
    case 'invalid_quorum':
    case 'quorum_too_large':
      return [blocks.quorum, err.message];
    case 'deadline_in_past':
    case 'deadline_too_far':
    case 'invalid_deadline':
      return [blocks.deadline, err.message];
    case 'unknown_project':
      return [values.projectId !== undefined ? blocks.projectId : blocks.toPhase, err.message];
    default:
      return [blocks.toPhase, err.message];
  }
}
