/** Action and view ids of the intake feature (convention: ids/runs.ts); the value of each button is the project id. */
export const INTAKE_IDS = {
  editBrief: 'intake.edit_brief',
  requestGate: 'intake.request_design_gate',
  briefActions: 'intake_brief_actions',
  editView: 'intake.brief_edit',
  /** The owner's answer to a proposed stakeholder list; the value is the proposal id. */
  confirmStakeholders: 'intake.stakeholders_confirm',
  declineStakeholders: 'intake.stakeholders_decline',
  /** Every modal input uses this action id; its block id is `brief_<field>`. */
  input: 'value',
} as const;

export const briefBlockId = (field: string) => `brief_${field}`;
