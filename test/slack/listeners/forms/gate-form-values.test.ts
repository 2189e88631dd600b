import { describe, expect, it } from 'vitest';
import { readGateForm } from '../../../../src/slack/listeners/forms/gate-form-values.js';
import { chosenSchedule, readScheduleForm } from '../../../../src/slack/listeners/forms/schedule-form-values.js';

describe('reading the gate form', () => {
  const filled = {
    'gate_voters@4': { voters: { type: 'multi_users_select', selected_users: ['U0ANA', 'U0RAJ'] } },
    'gate_phase@4': { to_phase: { type: 'static_select', selected_option: { value: 'deployment' } } },
    gate_deadline: { deadline: { type: 'datetimepicker', selected_date_time: 1775044800 } },
    'gate_quorum@4': { quorum: { type: 'number_input', value: '2' } },
    'gate_question@4': { question: { type: 'plain_text_input', value: '  Ship it?  ' } },
    gate_options: { options: { type: 'checkboxes', selected_options: [{ value: 'anonymous' }] } },
  };

  it('reads every input, wherever its block is, and says which block each came from', () => {
    const r = readGateForm(filled);
    expect(r).toEqual({
      ok: true,
      values: { voters: ['U0ANA', 'U0RAJ'], toPhase: 'deployment', deadline: new Date('2026-04-01T12:00:00Z'), quorum: 2, question: 'Ship it?', anonymous: true, hideResults: false },
      blocks: { projectId: 'gate_project', toPhase: 'gate_phase@4', voters: 'gate_voters@4', deadline: 'gate_deadline', quorum: 'gate_quorum@4', question: 'gate_question@4', anonymous: 'gate_options', hideResults: 'gate_options' },
    });
  });

  it('blank optional inputs are absent, not empty', () => {
    const r = readGateForm({ ...filled, 'gate_quorum@4': { quorum: { value: null } }, 'gate_question@4': { question: { value: '  ' } }, gate_options: { options: { selected_options: [] } } });
    expect(r.ok && r.values).toMatchObject({ quorum: undefined, question: undefined, anonymous: false, hideResults: false });
  });

  it('a value of the wrong shape is an error on its own block', () => {
    expect(readGateForm({ ...filled, 'gate_quorum@4': { quorum: { value: '2.5' } } })).toEqual({ ok: false, errors: { 'gate_quorum@4': 'Quorum must be a whole number of voters, e.g. 3.' } });
    expect(readGateForm({ ...filled, 'gate_phase@4': { to_phase: { selected_option: { value: 'production' } } } })).toEqual({ ok: false, errors: { 'gate_phase@4': 'Pick a phase from the list.' } });
    expect(readGateForm({ ...filled, 'gate_voters@4': { voters: { selected_users: ['not a user'] } } })).toEqual({ ok: false, errors: { 'gate_voters@4': 'Pick the voters from the list of people.' } });
  });
});

describe('reading the schedule form', () => {
  const form = (cadence: string, custom: string | null) => ({
    schedule_cadence: { 'viability.schedule_form.cadence': { selected_option: { value: cadence } } },
    schedule_cron: { 'viability.schedule_form.cron': { value: custom } },
    schedule_tz: { 'viability.schedule_form.tz': { selected_option: { value: 'Europe/Berlin' } } },
  });

  it('a preset is the schedule, whatever is typed under Custom; Custom takes the typed text', () => {
    const preset = readScheduleForm(form('weekly mon 09:00', '0 0 * * *'));
    expect(preset.ok && chosenSchedule(preset.values)).toBe('weekly mon 09:00');
    const custom = readScheduleForm(form('custom', ' 0 9 * * 1-5 '));
    expect(custom.ok && chosenSchedule(custom.values)).toBe('0 9 * * 1-5');
    const empty = readScheduleForm(form('custom', null));
    expect(empty.ok && chosenSchedule(empty.values)).toBeUndefined();
  });

  it('an overlong custom schedule is an error on its block', () => {
    expect(readScheduleForm(form('custom', '*'.repeat(300)))).toEqual({ ok: false, errors: { schedule_cron: expect.stringContaining('too long') } });
  });
});
