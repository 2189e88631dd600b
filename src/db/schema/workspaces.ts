import { jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** One row per Slack installation (OAuth mode); keyed by enterprise id for org-wide installs, else team id. */
export const installations = pgTable('installations', {
  installKey: text('install_key').primaryKey(),
  teamId: text('team_id'),
  enterpriseId: text('enterprise_id'),
  botToken: text('bot_token').notNull(),
  botUserId: text('bot_user_id'),
  botId: text('bot_id'),
  installation: jsonb('installation').notNull(),
  installedAt: timestamp('installed_at', { withTimezone: true }).notNull(),
});

/**
 * Requests already seen (Events API event_id, interaction trigger ids), so Slack's retries apply once.
 * An event counts as seen only once its listener has finished: while a delivery runs its row is
 * 'processing' under a lease (held by `claim`, the id of that delivery), and a listener that fails
 * leaves it 'failed', so Slack's retry of that event runs again; so does one whose lease ran out (the
 * instance died mid-listener). Interactions are 'done' as soon as they are seen: Slack does not retry
 * them, and a replayed signed copy must not act twice even if the first run failed half-way.
 */
export const slackRequestsSeen = pgTable('slack_requests_seen', {
  key: text('key').primaryKey(),
  seenAt: timestamp('seen_at', { withTimezone: true }).notNull(),
  state: text('state', { enum: ['processing', 'done', 'failed'] }).notNull().default('done'),
  leaseUntil: timestamp('lease_until', { withTimezone: true }),
  claim: text('claim'),
});

/**
 * OAuth `state` values issued by /slack/install and not used yet (keyed by an HMAC of the state, so
 * the table alone cannot be replayed). A state is deleted as it is used, so it works once.
 */
export const oauthStates = pgTable('oauth_states', {
  stateHash: text('state_hash').primaryKey(),
  installOptions: jsonb('install_options').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

/**
 * People who have opened the app's Home tab. Home is redrawn in the background (a gate opened, a
 * ballot cast, an alert or a check-in changed) only for them: the first time someone opens Home it
 * is drawn fresh anyway, so publishing the Home of someone who never looked would spend
 * views.publish calls (and, in a vote storm, outbox rows) on nothing. The first visit is enough to
 * know; later visits write nothing.
 */
export const homeVisitors = pgTable(
  'home_visitors',
  {
    teamId: text('team_id').notNull(),
    userId: text('user_id').notNull(),
    firstOpenedAt: timestamp('first_opened_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] })],
);
