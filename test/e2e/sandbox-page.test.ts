import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/start.js';
import { freshDatabase } from '../helpers/db.js';
import { choices, normals, rng, type JsonColumn } from '../helpers/drift-samples.js';

// Debian's Chromium (.ci/run installs it); no browser is ever downloaded. Without one, this file is
// skipped on a person's machine — but not in CI, which sets REQUIRE_BROWSER so a missing browser fails.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.REQUIRE_BROWSER) throw new Error(`REQUIRE_BROWSER is set but there is no browser at ${CHROMIUM} (apt-get install chromium)`);
/** Each step's screenshot, kept as a CI artifact. */
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'sandbox-page');
const WAIT = 20_000;

/** Two features; `shift` moves the current data away from the reference, as production drifting would. */
function monitoring(n: number, seed: number, shift = 0): Record<string, JsonColumn> {
  const r = rng(seed);
  return { amount: normals(r, n, 40 + shift * 10, 10) as JsonColumn, merchant: choices(r, ['grocery', 'travel', 'online'], shift ? [1, 3, 6] : [5, 3, 2], n) as JsonColumn };
}

describe.skipIf(!haveBrowser)('the sandbox page in Chromium: the whole app without a Slack workspace', () => {
  let sandbox: Sandbox;
  let database: Database;
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let step = 0;

  beforeAll(async () => {
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    // Composed as `npm start` composes sandbox mode (src/main.ts), with the job runner on its own heartbeat.
    sandbox = await startSandbox();
    database = await freshDatabase('pglite');
    app = await startApp({
      config: { ...sandbox.slackConfig, dataDir: './data-test-unused', port: 0, minScheduleIntervalSeconds: 1, logLevel: 'error' },
      database,
      fastSlackRetries: true,
      sandboxPageUrl: sandbox.pageUrl,
    });
    sandbox.connect(app.url);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, timezoneId: 'UTC' });
    page.setDefaultTimeout(WAIT);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await database?.close();
    await sandbox?.close();
  });

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${String(++step).padStart(2, '0')}-${name}.png`) });
  const actAs = (personId: string) => page.getByLabel('Acting as').selectOption(personId);
  const openChannel = (name: string) => page.locator('.sidebar').getByRole('link', { name: `# ${name}` }).click();
  const channel = () => page.locator('section.channel');
  const thread = () => page.locator('aside.thread');
  const appMessages = (where: Locator) => where.locator('article.message:not(.ephemeral)[data-author="MLOps Lifecycle"]');
  const send = async (where: Locator, text: string) => {
    const box = where.locator('.composer textarea');
    await box.fill(text);
    await box.press('Enter');
    await expect.poll(() => box.inputValue(), { timeout: WAIT }).toBe('');
  };
  const messageWith = (where: Locator, text: string | RegExp) => where.locator('article.message').filter({ hasText: text });

  it('opens from the app’s own address and shows the workspace with its people and channels', async () => {
    await page.goto(app.url + '/');
    expect(page.url()).toBe(sandbox.pageUrl);
    await expect.poll(() => page.getByLabel('Acting as').locator('option').allTextContents(), { timeout: WAIT }).toContain('Chen — Risk lead (stakeholder)');
    await page.locator('.sidebar').getByRole('link', { name: '# fraud-detection' }).waitFor();
    await shot('empty-workspace');
  });

  it('an intake, typed and answered in its thread, ends with the Design brief', async () => {
    await openChannel('fraud-detection');
    await send(channel(), '/mlops intake fraud-model');
    const root = messageWith(channel(), 'Design intake for');
    await root.getByRole('button', { name: /repl/ }).click();
    const answers = [
      'Card fraud is found days after the money is gone.',
      'Rules catch 35% of fraud and block many good customers; patterns change weekly.',
      'Score every card payment within 100 ms, with reasons an analyst can read.',
      'auc >= 0.85, latency_p95_ms <= 200',
      'Card transactions since 2022; chargeback labels arrive up to 60 days late.',
      '@Chen @Dana @Emil',
      'Blocking good customers; bias against new accounts.',
      'Shadow mode by May, live by July.',
    ];
    for (const answer of answers) {
      const before = await appMessages(thread()).count();
      await send(thread(), answer);
      await expect.poll(() => appMessages(thread()).count(), { timeout: WAIT }).toBeGreaterThan(before);
    }
    await thread().locator('.bk-header', { hasText: 'Design brief' }).waitFor();
    // The stakeholders typed as @names arrive as Slack mentions and show as names again.
    await expect.poll(() => thread().locator('article.message').last().innerText(), { timeout: WAIT }).toMatch(/@Chen.*@Dana.*@Emil/s);
    await thread().getByRole('button', { name: 'Edit brief' }).waitFor();
    await shot('design-brief');
  });

  it('two runs in the day’s thread, the leaderboard shared from a private answer, its two charts drawn interactively from the specs their PNGs carry: hovering a run shows its tooltip', async () => {
    await thread().getByRole('button', { name: 'Close thread' }).click();
    await actAs('U0BEN');
    await send(channel(), '/mlops run fraud-model auc=0.81 latency_p95_ms=140 --param model=logreg --name baseline');
    await send(channel(), '/mlops run fraud-model auc=0.88 latency_p95_ms=95 --param model=xgboost --param depth=6 --name xgb-depth6');
    // Both runs reply in the day's experiments thread, whose root counts them.
    await expect.poll(() => messageWith(channel(), 'Experiment runs for fraud-model').last().innerText(), { timeout: WAIT }).toMatch(/2 runs · best auc 0\.88 \(xgb-depth6\)/);
    await send(channel(), '/mlops runs fraud-model');
    // The leaderboard answers only Ben, with a button that shares it in the channel.
    const privately = channel().locator('article.message.ephemeral').filter({ hasText: 'experiment leaderboard' }).last();
    await expect.poll(() => privately.innerText(), { timeout: WAIT }).toMatch(/1\.\s*xgb-depth6.*0\.88.*2\.\s*baseline.*0\.81/s);
    await privately.getByRole('button', { name: 'Share to channel' }).click();
    await messageWith(channel(), /Shared the fraud-model leaderboard/).waitFor();
    const leaderboard = appMessages(channel()).filter({ hasText: 'experiment leaderboard' }).last();
    await expect.poll(() => leaderboard.innerText(), { timeout: WAIT }).toMatch(/1\.\s*xgb-depth6.*0\.88.*2\.\s*baseline.*0\.81/s);
    // The charts go in the leaderboard's thread: the metric over time, then the runs compared.
    await leaderboard.getByRole('button', { name: /repl/ }).click();
    const charts = thread().locator('figure.chart');
    await expect.poll(() => charts.count(), { timeout: WAIT }).toBe(2);
    // Vega in the browser (the bundles from node_modules) replaces each PNG with an SVG drawing.
    await thread().locator('figure.chart[data-chart="interactive"]').nth(1).waitFor();
    const overTime = charts.first();
    await expect.poll(() => overTime.locator('figcaption').innerText()).toBe('fraud-model: auc over time');
    expect(await overTime.locator('img').count()).toBe(0);
    // One point per run (legend symbols aside), and in the comparison one per run and metric.
    const points = overTime.locator('svg g.mark-symbol.role-mark path');
    expect(await points.count()).toBe(2);
    expect(await charts.nth(1).locator('svg g.mark-symbol.role-mark path').count()).toBe(4);
    const tooltip = overTime.locator('.chart-tooltip');
    expect(await tooltip.isVisible()).toBe(false);
    await points.first().hover({ force: true });
    await expect.poll(() => tooltip.innerText(), { timeout: WAIT }).toMatch(/run: baseline\s+auc: 0\.81\s+logged: \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    await overTime.scrollIntoViewIfNeeded();
    await shot('leaderboard-chart-tooltip');
  });

  it('a gate voted GO by three stakeholders, one of them from App Home', async () => {
    await thread().getByRole('button', { name: 'Close thread' }).click();
    await actAs('U0ADA');
    await send(channel(), '/mlops gate fraud-model Ready to build the model?');
    const gate = messageWith(channel(), 'Ready to build the model?').last();
    await gate.getByRole('button', { name: 'Go', exact: true }).waitFor();

    await actAs('U0CHEN');
    await gate.getByRole('button', { name: 'Go', exact: true }).click();
    await expect.poll(() => gate.innerText(), { timeout: WAIT }).toMatch(/Go:\s*1\b/);
    await shot('gate-first-vote');

    await actAs('U0DANA');
    await page.locator('.sidebar').getByRole('link', { name: /Home/ }).click();
    const home = page.locator('section.home');
    await home.getByText('Ready to build the model?').waitFor();
    await shot('home-awaiting-vote');
    await home.getByRole('button', { name: 'Go', exact: true }).first().click();
    await expect.poll(() => home.innerText(), { timeout: WAIT }).not.toContain('Ready to build the model?');

    // Emil first clicks No-go: the reason modal; a blank reason is refused inside it, as Slack shows it.
    await actAs('U0EMIL');
    await openChannel('fraud-detection');
    await gate.getByRole('button', { name: 'No-go', exact: true }).click();
    const modal = page.getByRole('dialog');
    await modal.locator('textarea').fill('   ');
    await modal.locator('footer button[type=submit]').click();
    await modal.locator('.bk-error', { hasText: 'A No-go vote needs a reason' }).waitFor();
    await shot('nogo-modal-error');
    await modal.getByRole('button', { name: 'Cancel' }).click();
    await modal.waitFor({ state: 'detached' });
    await gate.getByRole('button', { name: 'Go', exact: true }).click();
    await expect.poll(() => gate.innerText(), { timeout: WAIT }).toMatch(/Go:\s*3\b/);
    await expect.poll(() => gate.innerText(), { timeout: WAIT }).toMatch(/Closed: GO — the project moved to development/);
    await shot('gate-go');
  });

  it('a viability check-in answered by a stakeholder', async () => {
    await actAs('U0ADA');
    await send(channel(), '/mlops viability fraud-model --every "0 9 * * 1" --tz Europe/London');
    await send(channel(), '/mlops viability fraud-model now');
    const checkin = messageWith(channel(), /still viable/i).last();
    await checkin.getByRole('button', { name: 'On track' }).waitFor();
    await actAs('U0CHEN');
    await checkin.getByRole('button', { name: 'On track' }).click();
    await expect.poll(() => checkin.innerText(), { timeout: WAIT }).toMatch(/Answers so far \(1\).*On track 1/s);
    await shot('checkin-answered');
  });

  it('a drift alert from monitoring data, acknowledged in its thread', async () => {
    await actAs('U0ADA');
    await send(channel(), '/mlops token fraud-model');
    const tokenText = await page.locator('article.message.ephemeral').filter({ hasText: /mlops_/ }).last().innerText();
    const token = /\b(mlops_[A-Za-z0-9_-]+)/.exec(tokenText)?.[1];
    expect(token).toBeDefined();
    const post = (path: string, features: Record<string, JsonColumn>) =>
      fetch(`${app.url}/api/v1/projects/fraud-model/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ features }) });
    expect((await post('reference', monitoring(400, 1))).status).toBe(201);
    expect((await post('observations', monitoring(300, 3, 2))).status).toBe(201);
    const alert = messageWith(channel(), 'Drift alert').last();
    await alert.getByRole('button', { name: 'Acknowledge' }).waitFor();
    await actAs('U0DANA');
    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => alert.innerText(), { timeout: WAIT }).toMatch(/Acknowledged by @Dana/);
    await shot('drift-acknowledged');
    // Its distribution chart, too, is drawn interactively from the spec in its PNG.
    await alert.getByRole('button', { name: /repl/ }).click();
    const driftChart = thread().locator('figure.chart[data-chart="interactive"]');
    // The categorical panel (merchant) is the last one: hovering one of its bars names the series, category and share.
    const bar = driftChart.locator('svg g.mark-rect.role-mark').last().locator('path').first();
    await bar.hover({ force: true });
    await expect.poll(() => driftChart.locator('.chart-tooltip').innerText(), { timeout: WAIT }).toMatch(/series: (reference|current)\s+category: (grocery|travel|online)\s+share: \d+(\.\d)?%/);
    await shot('drift-chart');
    await thread().getByRole('button', { name: 'Close thread' }).click();

    // Dana's Home lists the open alert; its link (a Slack permalink) opens the alert in the channel.
    await page.locator('.sidebar').getByRole('link', { name: /Home/ }).click();
    const home = page.locator('section.home');
    await expect.poll(() => home.innerText(), { timeout: WAIT }).toMatch(/acknowledged by @Dana/i);
    await shot('home-open-alert');
    await home.locator('a.md-link').filter({ hasText: /thread/ }).first().click();
    await channel().locator('article.message.highlight').filter({ hasText: 'Drift alert' }).waitFor();
  });

  it('Load example fills #fraud-detection with a project worth looking at', async () => {
    await page.getByRole('button', { name: 'Load example' }).click();
    await page.getByRole('status').filter({ hasText: 'Example project fraud-detection is ready' }).waitFor({ timeout: 60_000 });
    // Its open deployment gate awaits Dana's vote, with the buttons, on her Home.
    await actAs('U0DANA');
    await page.locator('.sidebar').getByRole('link', { name: /Home/ }).click();
    const home = page.locator('section.home');
    await expect.poll(() => home.innerText(), { timeout: WAIT }).toMatch(/fraud-detection.*development → deployment/s);
    await home.getByRole('button', { name: 'Go', exact: true }).first().waitFor();
    await shot('example-loaded-home');
  });
});
