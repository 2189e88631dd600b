/** Action and view ids of the intake feature (convention: ids/runs.ts); the value of each button is the project id. */
export const INTAKE_IDS = {
  editBrief: 'intake.edit_brief',
  requestGate: 'intake.request_design_gate',
  briefActions: 'intake_brief_actions',
  editView: 'intake.brief_edit',
  /** Every modal input uses this action id; its block id is `brief_<field>`. */
  input: 'value',
} as const;

export const briefBlockId = (field: string) => `brief_${field}`;
