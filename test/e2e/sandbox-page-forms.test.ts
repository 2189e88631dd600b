import { existsSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { createProject } from '../../src/db/repositories/projects.js';
import { gates, schedules } from '../../src/db/schema/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/start.js';
import { freshDatabase } from '../helpers/db.js';
import { secondsToZoned } from '../../src/sandbox/page/static/blocks.js';

// As sandbox-page.test.ts: Debian's Chromium, skipped without one unless REQUIRE_BROWSER is set.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.REQUIRE_BROWSER) throw new Error(`REQUIRE_BROWSER is set but there is no browser at ${CHROMIUM}`);
const WAIT = 20_000;

/** The forms filled in by a person in the browser: the gate form from ⚡, the schedule form from its button. */
describe.skipIf(!haveBrowser)('the forms on the sandbox page in Chromium', () => {
  let sandbox: Sandbox;
  let database: Database;
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let projectId: number;

  beforeAll(async () => {
    sandbox = await startSandbox();
    database = await freshDatabase('pglite');
    app = await startApp({ config: { ...sandbox.slackConfig, dataDir: './data-test-unused', port: 0, minScheduleIntervalSeconds: 1, logLevel: 'error' }, database, fastSlackRetries: true, sandboxPageUrl: sandbox.pageUrl });
    sandbox.connect(app.url);
    const p = await createProject(database.db, { teamId: sandbox.emulator.teamId, slug: 'card-fraud', channelId: 'C0FRAUD', ownerId: 'U0ADA', now: new Date(), brief: { problem: 'Fraud.', stakeholders: ['U0CHEN', 'U0DANA'] } });
    projectId = p!.id;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, timezoneId: 'UTC' });
    page.setDefaultTimeout(WAIT);
    await page.goto(sandbox.pageUrl);
    await page.getByLabel('Acting as').selectOption('U0ADA');
    await page.locator('.sidebar').getByRole('link', { name: '# fraud-detection' }).click();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await database?.close();
    await sandbox?.close();
  });

  it('⚡ Open a gate: pick the project, the stakeholders are filled in; set the deadline, tick Anonymous, and the gate opens', async () => {
    await page.getByRole('button', { name: '⚡ Open a gate' }).click();
    const modal = page.getByRole('dialog', { name: 'Open a gate' });
    await modal.getByLabel('Project').selectOption({ label: 'card-fraud' });
    // The pick is dispatched: the form comes back with the brief's stakeholders as voters.
    const voters = modal.getByLabel('Voters');
    await expect.poll(() => voters.evaluate((s) => Array.from((s as unknown as { selectedOptions: ArrayLike<{ value: string }> }).selectedOptions, (o) => o.value)), { timeout: WAIT }).toEqual(['U0CHEN', 'U0DANA']);
    // Ten days ahead, at 17:00 on Ada's clock (Europe/London), typed as a person would.
    const deadline = Math.floor(Date.now() / 86_400_000 + 10) * 86_400 + 17 * 3600;
    const typed = secondsToZoned(deadline, 'Europe/London');
    expect(typed).toMatch(/T1[78]:00$/);
    await modal.getByLabel('Deadline').fill(typed);
    await modal.getByText('Anonymous votes', { exact: true }).click();
    await modal.getByRole('button', { name: 'Open gate' }).click();
    await expect.poll(async () => (await database.db.select().from(gates).where(eq(gates.projectId, projectId))).length, { timeout: WAIT }).toBe(1);
    const [gate] = await database.db.select().from(gates).where(eq(gates.projectId, projectId));
    expect(gate).toMatchObject({ openedBy: 'U0ADA', voters: ['U0CHEN', 'U0DANA'], anonymous: true });
    expect(gate!.deadline.getTime()).toBe(deadline * 1000);
    await page.locator('section.channel article.message').filter({ hasText: 'Is card-fraud ready to move from design to development?' }).first().waitFor();
  });

  it('/mlops viability → Set schedule…: a zone picked redraws the preview; saved, the schedule is stored', async () => {
    const box = page.locator('section.channel .composer textarea');
    await box.fill('/mlops viability card-fraud');
    await box.press('Enter');
    await page.locator('section.channel article.message.ephemeral').getByRole('button', { name: 'Set schedule…' }).click();
    const modal = page.getByRole('dialog', { name: 'Viability check-ins' });
    await modal.getByText('every Monday at 09:00').waitFor();
    await modal.getByLabel('Time zone').selectOption('Europe/Berlin');
    await modal.getByText('(Europe/Berlin time)').waitFor();
    await modal.getByRole('button', { name: 'Save schedule' }).click();
    await modal.getByText('Viability check-ins for card-fraud scheduled every Monday at 09:00').waitFor();
    const [row] = await database.db.select().from(schedules).where(eq(schedules.ref, String(projectId)));
    expect(row).toMatchObject({ cron: '0 9 * * 1', timezone: 'Europe/Berlin' });
  });
});
