import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

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

/** Requests already seen (Events API event_id, interaction trigger ids), so Slack's retries apply once. */
export const slackRequestsSeen = pgTable('slack_requests_seen', {
  key: text('key').primaryKey(),
  seenAt: timestamp('seen_at', { withTimezone: true }).notNull(),
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
