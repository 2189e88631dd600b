import type { Deps } from '../deps.js';
import type { OutboxRow } from '../db/repositories/outbox.js';
import type { ScheduleRow, TimerRow } from '../db/repositories/schedules.js';

/**
 * The shapes of the work features hand to the job mechanisms (src/jobs). They are declared here,
 * beside the verbs that implement them, so the verbs never import the mechanisms; src/jobs/index.ts
 * lists every feature's handlers in one registry.
 */

/** Runs one claimed slot of a recurring schedule. */
export type ScheduleHandler = (deps: Deps, run: { schedule: ScheduleRow; slotAt: Date; now: Date }) => Promise<void>;

/**
 * Turns off a schedule whose slots can no longer be computed (its stored cron or zone is unusable)
 * and tells the people it belongs to, in one transaction of its own, so a schedule is never turned
 * off silently. `reason` says what is wrong. Returns whether it turned the schedule off (false when
 * it was changed or turned off meanwhile).
 */
export type ScheduleStopHandler = (deps: Deps, stop: { schedule: ScheduleRow; reason: string; now: Date }) => Promise<boolean>;

/** Runs one due one-shot timer (gate deadline, reminder, escalation…). */
export type TimerHandler = (deps: Deps, run: { timer: TimerRow; now: Date }) => Promise<void>;

/**
 * Builds an outbox row's message when it is sent, from the database as it is then, so the last
 * update sent always shows the latest state. Returns the Web API arguments, or null for "nothing to
 * send any more" (the row is marked sent).
 */
export type OutboxRenderer = (deps: Deps, row: OutboxRow, now: Date) => Promise<Record<string, unknown> | null>;

/**
 * Runs when an outbox row queued with `payload.on_failure.kind` ends failed for good (a permanent
 * Slack error such as `not_in_channel`, or the attempt limit): the feature undoes what assumed the
 * message would go out, and tells the person. `reason` is Slack's error. The rest of
 * `payload.on_failure` is the feature's own data; none of it is sent to Slack.
 */
export type OutboxFailureHandler = (deps: Deps, row: OutboxRow, reason: string) => Promise<void>;
