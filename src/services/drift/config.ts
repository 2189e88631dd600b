import type { Db } from '../../db/client.js';
import { findDriftSettings } from '../../db/repositories/drift-settings.js';
import type { ProjectRow } from '../../db/repositories/projects.js';
import { DEFAULT_ACK_TIMEOUT_MINUTES, DEFAULT_REPLY_INTERVAL_MINUTES } from '../../domain/drift/alert-policy.js';
import { DriftSettings } from '../../domain/drift/settings.js';

/** A project's drift configuration in force: thresholds, where alerts go, their timings. */
export interface DriftConfig {
  settings: DriftSettings;
  /** As stored (only what was set), for changes to build on. */
  storedSettings: Record<string, unknown>;
  /** Where alerts go: the alert channel, or the project's home channel. */
  channelId: string;
  alertChannelSet: boolean;
  ackTimeoutMinutes: number;
  replyIntervalMinutes: number;
}

export async function driftConfig(db: Db, project: Pick<ProjectRow, 'id' | 'channelId'>): Promise<DriftConfig> {
  const row = await findDriftSettings(db, project.id);
  const stored = row?.settings && typeof row.settings === 'object' ? (row.settings as Record<string, unknown>) : {};
  // Stored settings were validated when written; a row another version wrote that no longer parses reads as the defaults.
  const parsed = DriftSettings.safeParse(stored);
  return {
    settings: parsed.success ? parsed.data : DriftSettings.parse({}),
    storedSettings: stored,
    channelId: row?.alertChannelId ?? project.channelId,
    alertChannelSet: !!row?.alertChannelId,
    ackTimeoutMinutes: row?.ackTimeoutMinutes ?? DEFAULT_ACK_TIMEOUT_MINUTES,
    replyIntervalMinutes: row?.replyIntervalMinutes ?? DEFAULT_REPLY_INTERVAL_MINUTES,
  };
}
