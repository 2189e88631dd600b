import { describe, expect, it } from 'vitest';
import { schedulePreview } from '../../../src/domain/schedule/preview.js';
import { previewText, scheduleFormModal, scheduleShownReply, zonedTime } from '../../../src/messages/forms/schedule-form.js';

const FRIDAY = new Date('2026-03-27T10:00:00Z');
type AnyBlock = { type: string; block_id?: string; dispatch_action?: boolean; element?: Record<string, unknown>; elements?: Record<string, unknown>[] };
const blocks = (v: { blocks: unknown[] }) => v.blocks as AnyBlock[];

describe('the schedule form', () => {
  const base = { projectId: 7, slug: 'churn', channelId: 'C1', cadence: 'weekly mon 09:00', tz: 'UTC', preview: { ok: true as const, value: schedulePreview('weekly mon 09:00', 'UTC', FRIDAY) } };

  it('offers the presets and Custom, common zones, a window, and redraws the preview on cadence, custom and zone changes', () => {
    const view = scheduleFormModal(base);
    expect(JSON.parse(view.private_metadata!)).toEqual({ projectId: 7, slug: 'churn', channelId: 'C1' });
    const byId = Object.fromEntries(blocks(view).map((b) => [b.block_id, b]));
    const cadence = byId.schedule_cadence!.element!;
    expect((cadence.options as { value: string }[]).map((o) => o.value)).toEqual(['weekdays 09:00', 'weekly mon 09:00', 'weekly fri 15:00', 'daily 09:00', 'monthly 1 09:00', 'custom']);
    expect(cadence.initial_option).toMatchObject({ value: 'weekly mon 09:00' });
    expect(['schedule_cadence', 'schedule_cron', 'schedule_tz'].map((id) => byId[id]!.dispatch_action)).toEqual([true, true, true]);
    expect(byId.schedule_window!.dispatch_action).toBeUndefined();
    expect(JSON.stringify(byId.schedule_preview)).toContain('every Monday at 09:00');
  });

  it("keeps a zone that is not among the common ones, first, and selected", () => {
    const view = scheduleFormModal({ ...base, tz: 'America/Havana' });
    const tz = blocks(view).find((b) => b.block_id === 'schedule_tz')!.element!;
    expect((tz.options as { value: string }[])[0]!.value).toBe('America/Havana');
    expect(tz.initial_option).toMatchObject({ value: 'America/Havana' });
  });

  it('previews the next check-ins in the schedule\'s zone, and escapes what a person typed', () => {
    expect(zonedTime(new Date('2026-03-30T07:00:00Z'), 'Europe/Berlin')).toBe('Mon 30 Mar, 09:00');
    expect(previewText({ ok: true, value: schedulePreview('weekdays 09:00', 'Europe/Berlin', FRIDAY) })).toBe(
      '*Check-ins every weekday (Monday to Friday) at 09:00* (`0 9 * * 1-5`, Europe/Berlin).\nNext: Mon 30 Mar, 09:00 · Tue 31 Mar, 09:00 · Wed 1 Apr, 09:00 (Europe/Berlin time).',
    );
    expect(previewText({ ok: false, message: '"<!channel>" is not a schedule I understand.' })).toBe(':warning: "&lt;!channel&gt;" is not a schedule I understand.');
  });

  it('the reply to /mlops viability <slug> keeps its text and adds the button with the project id', () => {
    const none = scheduleShownReply('churn', 7, undefined);
    expect(none.text).toContain('No viability check-ins are scheduled for *churn*');
    const button = (none.blocks as AnyBlock[]).find((b) => b.type === 'actions')!.elements![0]!;
    expect(button).toMatchObject({ action_id: 'viability.schedule_form', value: '7', text: { text: 'Set schedule…' } });
    const some = scheduleShownReply('churn', 7, { cron: '0 9 * * 1', timezone: 'UTC', nextRunAt: FRIDAY });
    expect(JSON.stringify(some.blocks)).toContain('Change schedule…');
  });
});
