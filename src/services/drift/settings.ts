import { z } from 'zod';
import { recordAudit } from '../../db/repositories/audit.js';
import { currentReference } from '../../db/repositories/drift-reads.js';
import { lockDriftSettings, upsertDriftSettings } from '../../db/repositories/drift-settings.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import type { Deps } from '../../deps.js';
import { type Actor, assertMay } from '../../domain/access.js';
import { DEFAULT_ACK_TIMEOUT_MINUTES, DEFAULT_REPLY_INTERVAL_MINUTES } from '../../domain/drift/alert-policy.js';
import { DRIFT_TEST_NAMES, DRIFT_TESTS, type DriftTestName } from '../../domain/drift/default-test.js';
import { ALL_COLUMNS } from '../../domain/drift/evaluate.js';
import { DriftSettings } from '../../domain/drift/settings.js';
import { DomainError } from '../../domain/errors.js';
import { type DriftConfig, driftConfig } from './config.js';

/** `*`: every column without its own setting, and the dataset-wide defaults. */
export { ALL_COLUMNS };

/** A change as typed: `set <column|*> key=value…` or `set <column|*> reset`. */
export interface SettingsChange {
  target: string;
  values: Record<string, string>;
  reset: boolean;
}

const COLUMN_KEYS = ['test', 'threshold', 'kind'] as const;
const ALL_KEYS = ['test', 'threshold', 'share', 'pvalue', 'distance', 'ack-timeout', 'reply-interval'] as const;
const MAX_MINUTES = 24 * 60;

type ColumnOverride = { test?: string; threshold?: number; kind?: string };
type StoredSettings = Record<string, unknown> & { columns?: Record<string, ColumnOverride> };

const isDefault = (v: string) => ['default', 'auto', 'none'].includes(v.toLowerCase());

function number(key: string, raw: string): number {
  const percent = raw.endsWith('%');
  const n = Number(percent ? raw.slice(0, -1) : raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new DomainError('bad_number', `${key} must be a number (e.g. ${key}=${key === 'share' ? '0.4' : '0.01'}); got "${raw}".`);
  return percent ? n / 100 : n;
}

function minutes(key: string, raw: string): number {
  const m = /^(\d+)\s*(m|min|h)?$/i.exec(raw.trim());
  const n = m ? Number(m[1]) * (m[2]?.toLowerCase() === 'h' ? 60 : 1) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_MINUTES) throw new DomainError('bad_minutes', `${key} is a number of minutes from 1 to ${MAX_MINUTES} (e.g. ${key}=30 or ${key}=2h); got "${raw}".`);
  return n;
}

function testName(raw: string): DriftTestName {
  const name = raw.toLowerCase();
  if (!(DRIFT_TEST_NAMES as readonly string[]).includes(name)) {
    throw new DomainError('unknown_test', `Unknown test "${raw}". Tests: ${DRIFT_TEST_NAMES.join(', ')} (or test=auto for the default choice).`);
  }
  return name as DriftTestName;
}

const scoreOf = (test: string | undefined) => (test && test in DRIFT_TESTS ? DRIFT_TESTS[test as DriftTestName].score : undefined);

/** Applies one column's keys to its override; notes what changed in `notes`. */
function applyColumn(prev: ColumnOverride | undefined, values: Record<string, string>, notes: string[]): ColumnOverride | undefined {
  const next: ColumnOverride = { ...prev };
  if (values.test !== undefined) {
    if (isDefault(values.test)) delete next.test;
    else next.test = testName(values.test);
    // A threshold is in its test's scale (a p-value or a distance): a test that reads the other scale starts from its default.
    if (values.threshold === undefined && next.threshold !== undefined && prev?.test !== undefined && scoreOf(prev.test) !== scoreOf(next.test)) {
      delete next.threshold;
      notes.push('the threshold went back to the default of the new test');
    }
  }
  if (values.threshold !== undefined) {
    if (isDefault(values.threshold)) delete next.threshold;
    else {
      const t = number('threshold', values.threshold);
      if (t <= 0) throw new DomainError('bad_threshold', `threshold must be above 0; got ${values.threshold}.`);
      next.threshold = t;
    }
  }
  if (values.kind !== undefined) {
    const kind = values.kind.toLowerCase();
    if (isDefault(kind)) delete next.kind;
    else if (kind === 'numeric' || kind === 'categorical') next.kind = kind;
    else throw new DomainError('bad_kind', `kind is numeric or categorical (or auto); got "${values.kind}".`);
  }
  return Object.keys(next).length ? next : undefined;
}

/** The first problem zod finds, in the words of the command. */
function settingsProblem(err: z.ZodError, target: string): DomainError {
  const issue = err.issues[0];
  const path = issue?.path.map(String) ?? [];
  const names: Record<string, string> = { driftShare: 'share', pValueThreshold: 'pvalue', distanceThreshold: 'distance' };
  let where = names[path[0] ?? ''] ?? path.join('.');
  if (path[0] === 'columns') where = `${path[2] ?? 'setting'} of ${path[1] === ALL_COLUMNS ? 'every column (*)' : `column "${path[1]}"`}`;
  const message = issue?.message ?? 'invalid value';
  return new DomainError('bad_setting', `${where || target}: ${message}`);
}

function checkKeys(change: SettingsChange): void {
  const allowed: readonly string[] = change.target === ALL_COLUMNS ? ALL_KEYS : COLUMN_KEYS;
  for (const key of Object.keys(change.values)) {
    if (!allowed.includes(key)) {
      const hint =
        change.target === ALL_COLUMNS
          ? `With *, set ${ALL_KEYS.join('=, ')}=.`
          : (ALL_KEYS as readonly string[]).includes(key)
            ? `${key} is set for the whole project: \`set * ${key}=…\`.`
            : `A column takes ${COLUMN_KEYS.join('=, ')}=.`;
      throw new DomainError('unknown_setting', `Unknown setting "${key}" for ${change.target === ALL_COLUMNS ? '*' : `column "${change.target}"`}. ${hint}`);
    }
  }
  if (!change.reset && Object.keys(change.values).length === 0) throw new DomainError('nothing_to_set', 'Nothing to set: give key=value pairs, e.g. test=ks threshold=0.01, or `reset`.');
}

/**
 * `/mlops drift <slug> set <column|*> …` (the owner only): per-column test, threshold and kind;
 * with `*`, the test and threshold of every column without its own, the dataset drift share, the
 * default p-value and distance thresholds, and the alert timings. The new settings are validated
 * whole with the DriftSettings schema before anything is written; in one transaction with its audit
 * entry, under the settings row's lock so concurrent changes do not lose each other.
 */
export async function changeDriftSettings(deps: Deps, project: ProjectRow, actor: Actor, change: SettingsChange): Promise<{ notes: string[]; config: DriftConfig }> {
  assertMay('manage', actor, project);
  checkKeys(change);
  const now = deps.clock.now();
  if (change.target !== ALL_COLUMNS) {
    const reference = await currentReference(deps.db, project.id);
    if (reference && !reference.columns.some((c) => c.name === change.target)) {
      const names = reference.columns.map((c) => c.name);
      throw new DomainError('unknown_column', `The reference sample of ${project.slug} has no column "${change.target}". Its columns: ${names.slice(0, 30).join(', ')}${names.length > 30 ? ', …' : ''}.`);
    }
  }
  const notes: string[] = [];
  await deps.db.transaction(async (tx) => {
    const row = await lockDriftSettings(tx, project.id, project.teamId);
    const before = (row.settings && typeof row.settings === 'object' ? row.settings : {}) as StoredSettings;
    const next: StoredSettings = structuredClone(before);
    const columns: Record<string, ColumnOverride> = { ...(next.columns ?? {}) };
    const v = change.values;
    let ackTimeoutMinutes = row.ackTimeoutMinutes;
    let replyIntervalMinutes = row.replyIntervalMinutes;
    if (change.reset) {
      delete columns[change.target];
      if (change.target === ALL_COLUMNS) {
        for (const k of ['driftShare', 'pValueThreshold', 'distanceThreshold']) delete next[k];
        ackTimeoutMinutes = DEFAULT_ACK_TIMEOUT_MINUTES;
        replyIntervalMinutes = DEFAULT_REPLY_INTERVAL_MINUTES;
      }
    }
    const override = applyColumn(change.reset ? undefined : columns[change.target], { ...(v.test !== undefined ? { test: v.test } : {}), ...(v.threshold !== undefined ? { threshold: v.threshold } : {}), ...(v.kind !== undefined ? { kind: v.kind } : {}) }, notes);
    if (override) columns[change.target] = override;
    else delete columns[change.target];
    if (change.target === ALL_COLUMNS) {
      if (override?.threshold !== undefined && override.test === undefined) {
        throw new DomainError('threshold_needs_test', 'With *, name the test the threshold is for (`set * test=ks threshold=0.01`), or set the default of one kind of test: `pvalue=0.01` (KS, chi-square, z-test) or `distance=0.2` (Wasserstein, Jensen–Shannon, PSI).');
      }
      const dataset: [string, string][] = [['share', 'driftShare'], ['pvalue', 'pValueThreshold'], ['distance', 'distanceThreshold']];
      for (const [key, field] of dataset) {
        const raw = v[key];
        if (raw === undefined) continue;
        if (isDefault(raw)) delete next[field];
        else next[field] = number(key, raw);
      }
      if (v['ack-timeout'] !== undefined) ackTimeoutMinutes = isDefault(v['ack-timeout']) ? DEFAULT_ACK_TIMEOUT_MINUTES : minutes('ack-timeout', v['ack-timeout']);
      if (v['reply-interval'] !== undefined) replyIntervalMinutes = isDefault(v['reply-interval']) ? DEFAULT_REPLY_INTERVAL_MINUTES : minutes('reply-interval', v['reply-interval']);
    }
    if (Object.keys(columns).length) next.columns = columns;
    else delete next.columns;
    const checked = DriftSettings.safeParse(next);
    if (!checked.success) throw settingsProblem(checked.error, change.target);
    await upsertDriftSettings(tx, { projectId: project.id, teamId: project.teamId, updatedBy: actor.userId, now, settings: next, ackTimeoutMinutes, replyIntervalMinutes });
    await recordAudit(tx, {
      teamId: project.teamId,
      projectId: project.id,
      actorId: actor.userId,
      action: 'drift.settings_changed',
      detail: { target: change.target, values: change.values, reset: change.reset, before, after: next, ackTimeoutMinutes, replyIntervalMinutes },
      at: now,
    });
  });
  return { notes, config: await driftConfig(deps.db, project) };
}

/**
 * `/mlops drift <slug> channel #c` (the owner only): where new drift alerts of the project go;
 * `home` goes back to the project's channel. An alert already open stays in its thread.
 */
export async function setDriftAlertChannel(deps: Deps, project: ProjectRow, actor: Actor, channelId: string | null): Promise<DriftConfig> {
  assertMay('manage', actor, project);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const row = await lockDriftSettings(tx, project.id, project.teamId);
    await upsertDriftSettings(tx, { projectId: project.id, teamId: project.teamId, updatedBy: actor.userId, now, alertChannelId: channelId });
    await recordAudit(tx, { teamId: project.teamId, projectId: project.id, actorId: actor.userId, action: 'drift.alert_channel_set', detail: { from: row.alertChannelId, to: channelId }, at: now });
  });
  return driftConfig(deps.db, project);
}
