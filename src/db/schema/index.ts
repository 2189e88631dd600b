// Every table, grouped by domain. drizzle-kit reads this file to generate migrations.
export * from './workspaces.js';
export * from './projects.js';
export * from './jobs.js';
export * from './intake.js';
export * from './runs.js';
export * from './viability.js';
export * from './gates.js';
export * from './drift.js';
export * from './integrations.js';
