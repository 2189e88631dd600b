/** Action and view ids of the intake feature; the value of each button is the project id. */
export const INTAKE_IDS = {
  editBrief: 'intake_edit_brief',
  requestGate: 'intake_request_design_gate',
  briefActions: 'intake_brief_actions',
  editView: 'intake_brief_edit',
  /** Every modal input uses this action id; its block id is `brief_<field>`. */
  input: 'value',
} as const;

export const briefBlockId = (field: string) => `brief_${field}`;
