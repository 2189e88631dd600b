import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject, type ProjectRow } from '../../src/db/repositories/projects.js';
import { schedules } from '../../src/db/schema/index.js';
import type { EphemeralMessage, StoredView } from '../../src/sandbox/emulator/store.js';
import { TestClock, waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness } from '../helpers/harness.js';

const OWNER = 'U0OWNER';
const STAKEHOLDER = 'U0ANA';
const CHANNEL = 'C0VIABFORM';
type Ack = { response_action?: string; errors?: Record<string, string>; view?: unknown } | undefined;

/** The viability schedule form: from `/mlops viability <slug>`'s button to a stored schedule. */
describe.each(databaseKinds())('the viability schedule form through the Slack emulator (%s)', (kind) => {
  let h: Harness;
  // A Friday; Europe/Berlin moves to summer time on Sunday 29 March 2026.
  const clock = new TestClock('2026-03-27T10:00:00Z');
  beforeAll(async () => {
    h = await bootApp(kind, { clock, config: { minScheduleIntervalSeconds: 60 } });
  });
  afterAll(async () => h?.close());

  const project = async (slug: string): Promise<ProjectRow> =>
    (await createProject(h.database.db, { teamId: h.slack.teamId, slug, channelId: CHANNEL, ownerId: OWNER, now: clock.now(), brief: { stakeholders: [STAKEHOLDER] } }))!;
  const scheduleOf = async (p: ProjectRow) => (await h.database.db.select().from(schedules).where(eq(schedules.ref, String(p.id))))[0];
  const scheduleCount = async () => (await h.database.db.select({ n: count() }).from(schedules))[0]!.n;
  const preview = (v: StoredView) => JSON.stringify((v.view.blocks ?? []).find((b) => b.block_id === 'schedule_preview'));
  /** `/mlops viability <slug>` and the ephemeral answer it leaves, with its button. */
  const show = async (user: string, slug: string): Promise<EphemeralMessage> => {
    await h.people.command(user, CHANNEL, `viability ${slug}`);
    return h.slack.store.ephemerals.filter((e) => e.user === user && e.via === 'ack').at(-1)!;
  };
  const clickSetSchedule = async (user: string, e: EphemeralMessage) =>
    h.people.act(user, { kind: 'ephemeral', ephemeral: e }, { blockId: 'viability_schedule', actionId: 'viability.schedule_form' });
  const openForm = async (slug: string): Promise<StoredView> => {
    const before = new Set(h.slack.store.views.keys());
    await clickSetSchedule(OWNER, await show(OWNER, slug));
    return waitFor(() => [...h.slack.store.views.values()].find((v) => !before.has(v.id) && v.open && v.view.callback_id === 'viability.schedule_form.view'), 'the schedule form');
  };
  /** Changes an input that redraws the preview, and waits for the redraw. */
  const change = async (form: StoredView, blockId: string, actionId: string, value: string, values: Record<string, Record<string, string>> = {}) => {
    const before = preview(h.slack.store.views.get(form.id)!);
    await h.people.act(OWNER, { kind: 'modal', viewId: form.id }, { blockId, actionId, selectedValue: value, values });
    return waitFor(() => preview(h.slack.store.views.get(form.id)!) !== before && h.slack.store.views.get(form.id)!, 'the preview redrawn');
  };

  it('the reply to /mlops viability <slug> carries Set schedule…; the form previews, and saves what the flags would', async () => {
    const p = await project('weekly-model');
    const shown = await show(OWNER, 'weekly-model');
    expect(shown.text).toContain('No viability check-ins are scheduled for *weekly-model*');
    const form = await openForm('weekly-model');
    // A new schedule starts as weekly on Monday 09:00 UTC, and the preview says when that is.
    expect(preview(form)).toContain('every Monday at 09:00');
    expect(preview(form)).toContain('Mon 30 Mar, 09:00 · Mon 6 Apr, 09:00 · Mon 13 Apr, 09:00 (UTC time)');

    const berlin = await change(form, 'schedule_tz', 'viability.schedule_form.tz', 'Europe/Berlin');
    expect(preview(berlin)).toContain('Europe/Berlin');
    const custom = await change(form, 'schedule_cron', 'viability.schedule_form.cron', '0 9 * * 1-5', { schedule_cadence: { 'viability.schedule_form.cadence': 'custom' }, schedule_tz: { 'viability.schedule_form.tz': 'Europe/Berlin' } });
    // The next check-ins, computed by the scheduler's own code, in the schedule's zone.
    expect(preview(custom)).toContain('every weekday (Monday to Friday) at 09:00');
    expect(preview(custom)).toContain('Mon 30 Mar, 09:00 · Tue 31 Mar, 09:00 · Wed 1 Apr, 09:00 (Europe/Berlin time)');
    expect(await scheduleOf(p)).toBeUndefined();

    const ack = (await h.people.submitView(OWNER, form.id, {
      schedule_cadence: { 'viability.schedule_form.cadence': 'custom' },
      schedule_cron: { 'viability.schedule_form.cron': '0 9 * * 1-5' },
      schedule_tz: { 'viability.schedule_form.tz': 'Europe/Berlin' },
      schedule_window: { window: '4h' },
    })).body as Ack;
    expect(ack?.response_action).toBe('update');
    const stored = await scheduleOf(p);
    expect(stored).toMatchObject({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin', active: true, options: { windowSeconds: 4 * 3600 } });
    // 09:00 Berlin on Monday 30 March is 07:00 UTC: summer time has begun.
    expect(stored!.nextRunAt.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    // The modal now says what was scheduled, as the flag path's reply does.
    const saved = h.slack.store.views.get(form.id)!;
    expect(saved.open).toBe(true);
    expect(JSON.stringify(saved.view.blocks)).toContain('Viability check-ins for *weekly-model* scheduled every weekday (Monday to Friday) at 09:00');

    // Opened again, the form shows the schedule as stored.
    const again = await openForm('weekly-model');
    const block = (id: string) => (again.view.blocks ?? []).find((b) => b.block_id === id)?.element as Record<string, unknown>;
    expect(block('schedule_cadence')).toMatchObject({ initial_option: { value: 'weekdays 09:00' } });
    expect(block('schedule_tz')).toMatchObject({ initial_option: { value: 'Europe/Berlin' } });
    expect(block('schedule_window')).toMatchObject({ initial_value: '4h' });
  });

  it('a cron shape the app only quotes is read out by cronstrue, with the next check-ins', async () => {
    await project('monthly-model');
    const form = await openForm('monthly-model');
    const last = await change(form, 'schedule_cron', 'viability.schedule_form.cron', '0 9 L * *', { schedule_cadence: { 'viability.schedule_form.cadence': 'custom' } });
    expect(preview(last)).toContain('At 09:00, on the last day of the month');
    expect(preview(last)).toContain('Tue 31 Mar, 09:00 · Thu 30 Apr, 09:00 · Sun 31 May, 09:00');
  });

  it('a bad cron, a too-frequent schedule or a bad window is refused on its input, and nothing is stored', async () => {
    const p = await project('bad-input');
    const form = await openForm('bad-input');
    const before = await scheduleCount();
    const submit = async (values: Record<string, Record<string, string | null>>) => ((await h.people.submitView(OWNER, form.id, values)).body as Ack)?.errors;

    const badCron = await submit({ schedule_cadence: { 'viability.schedule_form.cadence': 'custom' }, schedule_cron: { 'viability.schedule_form.cron': '61 * * * *' } });
    expect(badCron).toEqual({ schedule_cron: expect.stringContaining('the minute field "61" is not valid') });
    // Typed into the preview first, the same reason shows there.
    const previewed = await change(form, 'schedule_cron', 'viability.schedule_form.cron', '61 * * * *', { schedule_cadence: { 'viability.schedule_form.cadence': 'custom' } });
    expect(preview(previewed)).toContain('the minute field');

    expect(await submit({ schedule_cadence: { 'viability.schedule_form.cadence': 'custom' }, schedule_cron: { 'viability.schedule_form.cron': null } })).toEqual({ schedule_cron: expect.stringContaining('Type the schedule') });
    expect(await submit({ schedule_cadence: { 'viability.schedule_form.cadence': 'custom' }, schedule_cron: { 'viability.schedule_form.cron': 'every 30s' } })).toEqual({ schedule_cron: expect.stringContaining('the most frequent allowed is every 60 seconds') });
    expect(await submit({ schedule_cadence: { 'viability.schedule_form.cadence': 'weekly mon 09:00' }, schedule_window: { window: 'forever' } })).toEqual({ schedule_window: expect.stringContaining('is not a response window') });
    expect(await submit({ schedule_cadence: { 'viability.schedule_form.cadence': 'daily 09:00' }, schedule_window: { window: '2d' } })).toEqual({ schedule_window: expect.stringContaining('longer than the time between check-ins') });
    expect(await scheduleCount()).toBe(before);
    expect(await scheduleOf(p)).toBeUndefined();
    expect(h.slack.store.views.get(form.id)!.open).toBe(true);
  });

  it('only the owner gets the form: a stakeholder clicking Set schedule… is told who sets schedules', async () => {
    await project('owners-only');
    const views = h.slack.store.views.size;
    const shown = await show(STAKEHOLDER, 'owners-only');
    const before = h.slack.store.ephemerals.length;
    await clickSetSchedule(STAKEHOLDER, shown);
    const refusal = await waitFor(() => h.slack.store.ephemerals.slice(before).find((e) => e.user === STAKEHOLDER), 'the refusal');
    expect(refusal.text).toContain('Only the owner of *owners-only* (<@U0OWNER>) changes its stakeholders, voters, schedules');
    expect(h.slack.store.views.size).toBe(views);
  });
});
