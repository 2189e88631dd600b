import { describe, expect, it } from 'vitest';
import { gateFormModal, type GateFormProject } from '../../../src/messages/forms/gate-form.js';

type AnyBlock = { type: string; block_id?: string; optional?: boolean; dispatch_action?: boolean; element?: Record<string, unknown>; text?: { text: string } };
const DEADLINE = new Date('2026-04-01T12:00:00Z');
const project: GateFormProject = { id: 4, slug: 'churn', phase: 'development', phases: ['deployment', 'design', 'retired'], stakeholders: ['U1', 'U2'], byOwner: true };
const byId = (v: { blocks: unknown[] }) => Object.fromEntries((v.blocks as AnyBlock[]).map((b) => [b.block_id, b]));

describe('the gate form', () => {
  it("for a project: its stakeholders prefilled, its next phase first and chosen, the deadline given, options unticked", () => {
    const view = gateFormModal({ project, deadline: DEADLINE, channelId: 'C1' });
    expect(JSON.parse(view.private_metadata!)).toEqual({ projectId: 4, channelId: 'C1' });
    const b = byId(view);
    expect(b['gate_voters@4']!.element).toMatchObject({ type: 'multi_users_select', initial_users: ['U1', 'U2'] });
    expect(b['gate_voters@4']!.optional).toBe(true);
    expect(b['gate_phase@4']!.element).toMatchObject({ initial_option: { value: 'deployment', text: { text: 'deployment (next)' } } });
    expect((b['gate_phase@4']!.element!.options as { value: string }[]).map((o) => o.value)).toEqual(['deployment', 'design', 'retired']);
    expect(b.gate_deadline!.element).toEqual({ type: 'datetimepicker', action_id: 'deadline', initial_date_time: 1775044800 });
    expect(b['gate_quorum@4']!.element).toMatchObject({ type: 'number_input', is_decimal_allowed: false });
    expect(b.gate_options!.element).toMatchObject({ type: 'checkboxes' });
    expect(b.gate_options!.element!.initial_options).toBeUndefined();
    expect(b.gate_project).toBeUndefined();
    expect(JSON.stringify(view.blocks)).not.toContain('As a stakeholder');
  });

  it('a brief without stakeholders makes the voters required; a stakeholder is told only the owner changes voters and quorum', () => {
    expect(byId(gateFormModal({ project: { ...project, stakeholders: [] }, deadline: DEADLINE }))['gate_voters@4']!.optional).toBe(false);
    expect(JSON.stringify(gateFormModal({ project: { ...project, byOwner: false }, deadline: DEADLINE }).blocks)).toContain('Only the project owner changes them');
  });

  it('from the shortcut: a picker that dispatches, the picked project in it but not in the metadata (the picker is the truth)', () => {
    const view = gateFormModal({ projects: [{ id: 4, slug: 'churn' }, { id: 9, slug: 'fraud' }], project, deadline: DEADLINE });
    const picker = byId(view).gate_project!;
    expect(picker.dispatch_action).toBe(true);
    expect(picker.element).toMatchObject({ action_id: 'gate.form.project', initial_option: { value: '4' } });
    expect(JSON.parse(view.private_metadata!)).toEqual({});
    const unpicked = byId(gateFormModal({ projects: [{ id: 9, slug: 'fraud' }], deadline: DEADLINE }));
    expect(unpicked.gate_voters!.optional).toBe(true);
    expect(unpicked.gate_phase!.optional).toBe(true);
  });

  it('with no project to pick, says so and offers no submit', () => {
    const view = gateFormModal({ projects: [], deadline: DEADLINE });
    expect(view.submit).toBeUndefined();
    expect(JSON.stringify(view.blocks)).toContain('no gate you can open');
  });

  it('escapes the slug it shows', () => {
    expect(JSON.stringify(gateFormModal({ project: { ...project, slug: 'a<b' }, deadline: DEADLINE }).blocks)).toContain('a&lt;b');
  });
});
