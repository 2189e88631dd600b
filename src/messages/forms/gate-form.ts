import type { InputBlock, ModalView, PlainTextOption } from '@slack/types';
import type { Phase } from '../../domain/lifecycle.js';
import { type Block, clip, context, esc, section } from '../blocks.js';
import { GATE_FORM, type GateFormMeta, projectBlockId } from '../ids/forms.js';

export interface GateFormProject {
  id: number;
  slug: string;
  phase: Phase;
  /** Where the project may move, the default (next phase) first. */
  phases: readonly Phase[];
  /** The brief's stakeholders: the default voters. */
  stakeholders: readonly string[];
  /** The person filling the form owns the project (only the owner picks voters or quorum). */
  byOwner: boolean;
}

export interface GateFormData {
  /** The project the gate is for; absent in a shortcut's form until one is picked. */
  project?: GateFormProject;
  /** From the shortcut: the projects to pick from (the picker dispatches, so the form refills). */
  projects?: readonly { id: number; slug: string }[];
  /** The default deadline (now + 48 h). */
  deadline: Date;
  channelId?: string;
}

const plain = (text: string) => ({ type: 'plain_text' as const, text: clip(text, 75), emoji: true });
const option = (value: string, text: string): PlainTextOption => ({ text: plain(text), value });
export const ANONYMOUS_OPTION = 'anonymous';
export const HIDE_RESULTS_OPTION = 'hide_results';

/**
 * The gate form: voters (the brief's stakeholders), target phase (the next one), deadline
 * (now + 48 h), quorum (blank: majority), question, named or anonymous, tally shown or hidden —
 * the same choices as `/mlops gate`'s flags. Pure: data in, modal out.
 */
export function gateFormModal(d: GateFormData): ModalView {
  const p = d.project;
  const meta: GateFormMeta = { ...(p && !d.projects ? { projectId: p.id } : {}), ...(d.channelId ? { channelId: d.channelId } : {}) };
  const blocks: Block[] = [];
  if (d.projects) {
    if (d.projects.length === 0) {
      return {
        type: 'modal',
        callback_id: GATE_FORM.view,
        title: plain('Open a gate'),
        close: plain('Close'),
        blocks: [section('You are not the owner or a stakeholder of any active project in this workspace, so there is no gate you can open. `/mlops status` lists the projects of a channel.')],
      };
    }
    const options = d.projects.slice(0, 100).map((x) => option(String(x.id), x.slug));
    const initial = p ? options.find((o) => o.value === String(p.id)) : undefined;
    blocks.push({
      type: 'input',
      block_id: GATE_FORM.projectBlock,
      dispatch_action: true,
      label: plain('Project'),
      element: { type: 'static_select', action_id: GATE_FORM.projectAction, placeholder: plain('Pick a project'), options, ...(initial ? { initial_option: initial } : {}) },
    });
  } else if (p) {
    blocks.push(section(`*${esc(p.slug)}* is in *${p.phase}*. Open a go/no-go vote on where it goes next.`));
  }
  blocks.push(phaseInput(p), votersInput(p), deadlineInput(d.deadline), quorumInput(p), questionInput(p), optionsInput());
  if (p && !p.byOwner) blocks.push(context('As a stakeholder you can open this gate with the defaults: the brief\'s stakeholders vote, majority quorum. Only the project owner changes them.'));
  return {
    type: 'modal',
    callback_id: GATE_FORM.view,
    private_metadata: JSON.stringify(meta),
    title: plain('Open a gate'),
    submit: plain('Open gate'),
    close: plain('Cancel'),
    blocks,
  };
}

function phaseInput(p: GateFormProject | undefined): InputBlock {
  const phases = p ? p.phases : (['development', 'deployment', 'design', 'retired'] as const);
  const options = phases.map((ph) => option(ph, p && ph === p.phases[0] ? `${ph} (next)` : ph));
  return {
    type: 'input',
    block_id: projectBlockId(GATE_FORM.phaseBlock, p?.id),
    optional: !p,
    label: plain('Move to phase'),
    ...(p ? {} : { hint: plain('Blank: the project\'s next phase.') }),
    element: { type: 'static_select', action_id: GATE_FORM.phaseAction, options, ...(p && options[0] ? { initial_option: options[0] } : {}) },
  };
}

function votersInput(p: GateFormProject | undefined): InputBlock {
  const hint = !p
    ? 'Blank: the stakeholders named in the project\'s design brief.'
    : p.stakeholders.length === 0
      ? 'The design brief names no stakeholders: pick who votes.'
      : 'Prefilled with the stakeholders named in the design brief.';
  return {
    type: 'input',
    block_id: projectBlockId(GATE_FORM.votersBlock, p?.id),
    optional: !p || p.stakeholders.length > 0,
    label: plain('Voters'),
    hint: plain(hint),
    element: { type: 'multi_users_select', action_id: GATE_FORM.votersAction, placeholder: plain('Who votes'), ...(p && p.stakeholders.length ? { initial_users: [...p.stakeholders] } : {}) },
  };
}

function deadlineInput(deadline: Date): InputBlock {
  return {
    type: 'input',
    block_id: GATE_FORM.deadlineBlock,
    label: plain('Deadline'),
    hint: plain('The gate closes then, or earlier once everyone voted.'),
    element: { type: 'datetimepicker', action_id: GATE_FORM.deadlineAction, initial_date_time: Math.floor(deadline.getTime() / 1000) },
  };
}

function quorumInput(p: GateFormProject | undefined): InputBlock {
  return {
    type: 'input',
    block_id: projectBlockId(GATE_FORM.quorumBlock, p?.id),
    optional: true,
    label: plain('Quorum'),
    hint: plain('How many voters must vote for the outcome to count. Blank: a majority of the voters.'),
    element: { type: 'number_input', action_id: GATE_FORM.quorumAction, is_decimal_allowed: false, min_value: '1' },
  };
}

function questionInput(p: GateFormProject | undefined): InputBlock {
  return {
    type: 'input',
    block_id: projectBlockId(GATE_FORM.questionBlock, p?.id),
    optional: true,
    label: plain('Question'),
    element: {
      type: 'plain_text_input',
      action_id: GATE_FORM.questionAction,
      placeholder: plain(p && p.phases[0] ? `Is ${p.slug} ready to move from ${p.phase} to ${p.phases[0]}?` : 'Is the project ready for its next phase?'),
    },
  };
}

function optionsInput(): InputBlock {
  return {
    type: 'input',
    block_id: GATE_FORM.optionsBlock,
    optional: true,
    label: plain('Options'),
    element: {
      type: 'checkboxes',
      action_id: GATE_FORM.optionsAction,
      options: [
        { text: plain('Anonymous votes'), value: ANONYMOUS_OPTION, description: plain('Tallies are shown; who voted what only after close.') },
        { text: plain('Hide results until close'), value: HIDE_RESULTS_OPTION, description: plain('Anonymous votes always hide them: a small live tally gives votes away.') },
      ],
    },
  };
}
