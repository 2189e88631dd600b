// Redraws the README's pictures of the sandbox (docs/sandbox.png, docs/run-summary.png): sandbox mode as `npm start` runs
// it, on a throwaway embedded database, with the example project loaded, shown in Debian's Chromium.
// `npm run screenshot:sandbox`; needs /usr/bin/chromium (or CHROMIUM_PATH).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startApp } from '../src/app.js';
import { startSandbox } from '../src/sandbox/start.js';

const dataDir = mkdtempSync(join(tmpdir(), 'mlops-screenshot-'));
const sandbox = await startSandbox();
const app = await startApp({
  config: { ...sandbox.slackConfig, dataDir, port: 0, minScheduleIntervalSeconds: 60, logLevel: 'warn' },
  sandboxPageUrl: sandbox.pageUrl,
});
sandbox.connect(app.url);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(sandbox.pageUrl);
  await page.getByRole('button', { name: 'Load example' }).click();
  await page.getByRole('button', { name: 'Load example' }).waitFor({ timeout: 60_000 });
  await page.getByLabel('Acting as').selectOption('U0DANA');
  // The open deployment gate in the channel, and the leaderboard's thread with its chart beside it.
  const leaderboard = page.locator('section.channel article.message').filter({ hasText: 'experiment leaderboard' }).last();
  await leaderboard.getByRole('button', { name: /repl/ }).click();
  // Charts are drawn interactively from the spec their PNG carries: wait until Vega has drawn one.
  await page.locator('aside.thread figure.chart[data-chart="interactive"]').first().waitFor();
  await page.locator('section.channel article.message').filter({ hasText: 'Ship lgbm-tuned' }).last().scrollIntoViewIfNeeded();
  await page.waitForTimeout(500);
  await page.screenshot({ path: 'docs/sandbox.png' });
  console.log('wrote docs/sandbox.png');
  // The day's experiments thread: its root counts the runs, each reply is a run's summary.
  const day = page.locator('section.channel article.message').filter({ hasText: 'Experiment runs for' }).last();
  await day.scrollIntoViewIfNeeded();
  await day.getByRole('button', { name: /repl/ }).click();
  const lastSummary = page.locator('aside.thread article.message').filter({ hasText: 'logged' }).last();
  await lastSummary.waitFor();
  await lastSummary.scrollIntoViewIfNeeded();
  await page.waitForTimeout(500);
  await page.screenshot({ path: 'docs/run-summary.png' });
  console.log('wrote docs/run-summary.png');
} finally {
  await browser.close();
  await app.stop();
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
}
