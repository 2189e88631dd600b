import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPEC_KEYWORD, readTextChunk } from '../../src/charts/png-text.js';
import { CHART_COLORS, RUN_PALETTE } from '../../src/charts/theme.js';
import { decodePng } from '../charts/pixels.js';
import type { ProjectRow } from '../../src/db/repositories/projects.js';
import { runs } from '../../src/db/schema/index.js';
import { openAiLlm } from '../../src/llm/llm.js';
import { renderSections } from '../../src/services/projects/sections.js';
import type { EphemeralMessage, StoredMessage } from '../../src/sandbox/emulator/store.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { FakeOpenAi } from '../helpers/openai-server.js';
import { projectWithTargets } from '../helpers/runs.js';

const CHANNEL = 'C0CHURN';
const ELSEWHERE = 'C0RANDOM';
const ANA = 'U0ANA';
const TARGETS = [
  { name: 'auc', direction: 'maximize' as const, target: 0.85 },
  { name: 'latency_ms', direction: 'minimize' as const, target: 200 },
];
const DAY = 86_400_000;

const text = (m: StoredMessage) => JSON.stringify(m.blocks ?? []) + m.text;
const ackText = (res: { body: unknown }) => (res.body as { text: string }).text;

describe.each(databaseKinds())('experiment runs through the Slack emulator (%s)', (kind) => {
  let h: Harness;
  let churn: ProjectRow;
  let llm: FakeOpenAi;

  const runCount = async () => Number((await h.database.db.select({ n: count() }).from(runs))[0]!.n);
  const posted = () => h.slack.store.callsTo('chat.postMessage').length;
  /** Leaderboards in the project channel: only shared ones get there. */
  const boards = () => h.slack.store.channelMessages(CHANNEL).filter((m) => m.text.includes('leaderboard by'));
  const buttons = (e: EphemeralMessage) => (e.blocks ?? []).flatMap((b) => ((b.elements as { type: string; text?: { text: string } }[] | undefined) ?? []).filter((el) => el.type === 'button').map((el) => el.text!.text));
  /** `/mlops runs <args>`: the answer, and the ephemeral message it became. */
  const askBoard = async (user: string, channel: string, args: string) => {
    const res = await h.people.command(user, channel, `runs ${args}`);
    const ephemeral = h.slack.store.ephemerals.at(-1)!;
    expect(ephemeral.user).toBe(user);
    return { res, ephemeral };
  };
  /** One pass of the job runner: due timers (the narrative), then the outbox. */
  const jobs = () => h.app.jobs.tick(h.clock.now());
  /** Run summaries in the project channel: they reply in its experiments thread of the day. */
  const summaries = () => h.slack.store.messages.filter((m) => m.channel === CHANNEL && text(m).includes(' logged *'));
  /** Sends the command and waits for the summary the outbox posts. */
  const logRun = async (user: string, channel: string, args: string) => {
    const before = summaries().length;
    const res = await h.people.command(user, channel, `run ${args}`);
    const message = await waitFor(async () => {
      await jobs();
      return summaries()[before];
    }, 'the run summary');
    return { ack: ackText(res), summary: text(message), message };
  };

  beforeAll(async () => {
    h = await bootApp(kind, { config: { runCommitUrlTemplate: 'https://git.example/ml/churn/commit/{commit}' } });
    llm = await new FakeOpenAi(() => 'unused').start();
    const now = h.clock.now();
    churn = await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'churn', channelId: CHANNEL, ownerId: ANA, now, targets: TARGETS, phase: 'development' });
    await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'no-brief', channelId: CHANNEL, ownerId: ANA, now });
    await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'vision', channelId: CHANNEL, ownerId: ANA, now });
  });
  afterAll(async () => {
    await h?.close();
    await llm?.close();
  });

  it('/mlops run logs the run with flags and posts its summary in the project channel’s experiments thread of the day, replying to the person', async () => {
    const { ack, summary, message } = await logRun(ANA, ELSEWHERE, 'churn auc=80% latency_ms=2.5e2 --param lr=0.01 --param depth=6 --dataset v3 --commit ABC1234 --name rf-1 --note “first try”');
    expect(ack).toContain('Logged *rf-1* in *churn* (auc=0.8, latency_ms=250)');
    expect(ack).toContain(`today’s experiments thread in <#${CHANNEL}>`);
    expect(message.channel).toBe(CHANNEL);
    const root = h.slack.store.channelMessages(CHANNEL).find((m) => m.text.includes('Experiment runs for churn on '))!;
    expect(message.threadTs).toBe(root.ts);
    expect(summary).toContain(`<@${ANA}> logged *rf-1* in *churn*`);
    expect(summary).toContain('*auc* 0.8 — target ≥ 0.85, not met, short by 0.05');
    expect(summary).toContain('*latency_ms* 250 — target ≤ 200, not met, short by 50');
    expect(summary).toContain('Rank *1 of 1* by *auc*');
    // What the run stored: dataset, the commit linked to the repository, the note.
    expect(summary).toContain('*Dataset* `v3`');
    expect(summary).toContain('*Commit* <https://git.example/ml/churn/commit/abc1234|`abc1234`>');
    expect(summary).toContain('*Note* first try');
    expect(summary).not.toContain('Params vs the best earlier run');
    const [row] = await h.database.db.select().from(runs).where(eq(runs.name, 'rf-1'));
    expect(row).toMatchObject({ authorId: ANA, source: 'slack', metrics: { auc: 0.8, latency_ms: 250 }, params: { lr: '0.01', depth: '6' }, dataset: 'v3', commitSha: 'abc1234', note: 'first try' });
  });

  it('accepts the run as a JSON object, with the typographic quotes Slack clients type', async () => {
    const { summary } = await logRun(ANA, CHANNEL, 'churn {“metrics”: {“auc”: 0.86, “latency_ms”: “1e2”}, “params”: {“lr”: 0.02, “depth”: 6}, “name”: “rf-2”}');
    expect(summary).toContain('*auc* 0.86 — :arrow_up: better than the best earlier run, 0.8 in rf-1 (+0.06)');
    expect(summary).toContain('*latency_ms* 100 — :arrow_up: better than the best earlier run, 250 in rf-1 (−150)');
    expect(summary).toContain('*auc* 0.86 — target ≥ 0.85, met by 0.01');
    expect(summary).toContain('*Params vs the best earlier run* (rf-1)\\n• *lr* `0.02` (best run: `0.01`)');
    expect(summary).not.toContain('*depth*');
    expect(summary).toContain('Every target is met');
    expect(summary).toContain('Request deployment gate');
  });

  it('clicking Request deployment gate asks the gates feature and answers only the clicker: a stranger is refused; the owner hears that the brief names no voters', async () => {
    const summary = summaries().find((m) => text(m).includes('Request deployment gate'))!;
    await h.people.click('U0BOB', summary, 'Request deployment gate');
    const refused = await waitFor(() => h.slack.store.ephemerals.find((e) => e.user === 'U0BOB'), 'the ephemeral answer');
    expect(refused.text).toContain('Only the project owner');
    expect(refused.channel).toBe(CHANNEL);
    await h.people.click(ANA, summary, 'Request deployment gate');
    const owner = await waitFor(() => h.slack.store.ephemerals.find((e) => e.user === ANA && /gate|voters|stakeholders/i.test(e.text)), 'the owner’s answer');
    expect(owner.text).toMatch(/stakeholders|--voters/);
  });

  it.each([
    ['a non-numeric metric', 'churn auc=high', '"high" is not a number'],
    ['NaN', 'churn auc=NaN', '"NaN" is not a number'],
    ['Infinity', 'churn auc=Infinity', '"Infinity" is not a number'],
    ['an unknown project', 'nope auc=0.9', 'There is no project `nope`'],
    ['no metrics', 'churn --name x', 'at least one metric'],
    ['a metric without a value', 'churn auc', 'write metrics as name=value'],
    ['a metric given twice', 'churn auc=0.9 auc=0.8', 'given twice'],
    ['101 metrics', `churn ${Array.from({ length: 101 }, (_, i) => `m${i}=${i}`).join(' ')}`, '101 metrics; the limit is 100'],
    ['101 params', `churn auc=1 ${Array.from({ length: 101 }, (_, i) => `--param p${i}=${i}`).join(' ')}`, '101 params; the limit is 100'],
    ['a metric name that is too long', `churn ${'m'.repeat(65)}=1`, 'at most 64 characters'],
    ['a metric name with a doubled separator', 'churn val//auc=0.9', 'metrics.val//auc: metric names are lowercase letters, digits and _, with . / or - between words'],
    ['a metric name ending in a separator', 'churn auc.=0.9', 'metrics.auc.: metric names'],
    ['a param value that is too long', `churn auc=1 --param lr=${'x'.repeat(501)}`, 'at most 500 characters'],
    ['a commit that is not a sha', 'churn auc=1 --commit main', 'commit: a commit is 7–64 hexadecimal characters'],
    ['malformed JSON', 'churn {"metrics": {"auc": 0.9}', 'That JSON does not parse'],
    ['JSON with a misspelt field', 'churn {"metrics": {"auc": 0.9}, "parms": {}}', 'Unrecognized key'],
    ['JSON with a non-numeric metric', 'churn {"metrics": {"auc": "high"}}', 'metrics.auc: "high" is not a number'],
    ['an unknown option', 'churn auc=1 --params lr=1', 'Unknown option --params'],
    ['a run link that is not http(s)', 'churn auc=1 --url javascript:alert(1)', 'url: a run link is an http:// or https:// URL'],
    ['21 tags', `churn auc=1 ${Array.from({ length: 21 }, (_, i) => `--tag t${i}=x`).join(' ')}`, '21 tags; the limit is 20'],
    ['a tag without a value', 'churn auc=1 --tag team', 'write tags as --tag name=value'],
  ])('refuses %s with an ephemeral message naming the problem, writing and posting nothing', async (_what, args, expected) => {
    const before = { runs: await runCount(), posts: posted() };
    const res = await h.people.command(ANA, CHANNEL, `run ${args}`);
    expect(res.status).toBe(200);
    expect((res.body as { response_type: string }).response_type).toBe('ephemeral');
    expect(ackText(res)).toContain(expected);
    expect(ackText(res)).toContain('/mlops run <slug>');
    expect(await runCount()).toBe(before.runs);
    expect(posted()).toBe(before.posts);
  });

  it('--url and --tag are stored and shown in the summary: the run page linked, the tags escaped', async () => {
    const { summary } = await logRun(ANA, CHANNEL, 'vision loss=0.9 --url https://wandb.example.ai/team/churn/runs/x1 --tag team=vision --tag stage=<b>');
    expect(summary).toContain('*Run page* <https://wandb.example.ai/team/churn/runs/x1|wandb.example.ai>');
    expect(summary).toContain('*Tags* stage: `&lt;b&gt;`  ·  team: `vision`');
    const [row] = await h.database.db.select().from(runs).where(eq(runs.url, 'https://wandb.example.ai/team/churn/runs/x1'));
    expect(row!.tags).toEqual({ team: 'vision', stage: '<b>' });
  });

  it('without targets in the brief the summary says so, and still compares runs', async () => {
    await logRun(ANA, CHANNEL, 'no-brief loss=0.5');
    const { summary } = await logRun(ANA, CHANNEL, 'no-brief loss=0.4');
    expect(summary).toContain('No targets set');
    // loss is a minimised metric by its name: lower is better.
    expect(summary).toContain('*loss* 0.4 — :arrow_up: better than the best earlier run, 0.5');
    expect(summary).toContain('Rank *1 of 2* by *loss*');
    expect(summary).not.toContain('Request deployment gate');
  });

  it('/mlops runs answers only the person who asked, with the leaderboard and a Share to channel button: nothing reaches the channel', async () => {
    await logRun(ANA, CHANNEL, 'churn auc=0.83 latency_ms=150 --param lr=0.05 --param depth=6 --name rf-3');
    const before = posted();
    const { res, ephemeral } = await askBoard(ANA, ELSEWHERE, 'churn');
    expect((res.body as { response_type: string }).response_type).toBe('ephemeral');
    expect(ephemeral.user).toBe(ANA);
    const board = JSON.stringify(ephemeral.blocks);
    const order = ['rf-2', 'rf-3', 'rf-1'].map((n) => board.indexOf(`*${n}*`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(board).toContain('1. *rf-2* — auc *0.86* :white_check_mark: · lr=0.02');
    expect(board).toContain('Params that differ between the top runs: lr');
    expect(board).not.toMatch(/differ between the top runs: [^"]*depth/);
    expect(board).toContain(':white_check_mark: *latency_ms* best 100 vs target ≤ 200');
    // An ephemeral message cannot carry a file: the chart comes with the shared copy.
    expect(board).toContain('Shared to the channel, it comes with charts in its thread: *auc* over time against its target, and the top runs compared.');
    expect(buttons(ephemeral)).toEqual(['Share to channel']);
    await jobs();
    expect(posted()).toBe(before);
    expect(boards()).toHaveLength(0);
  });

  it('Share to channel posts that leaderboard in the project channel, as of the click, with two PNG charts in its thread (the metric over time, the top runs compared), and says so in place of the private one', async () => {
    const { ephemeral } = await askBoard(ANA, ELSEWHERE, 'churn');
    // A run logged after the private answer is in the shared one: the figures are read at the click.
    await logRun(ANA, CHANNEL, 'churn auc=0.87 latency_ms=140 --name rf-4');
    await h.people.clickEphemeral(ANA, ephemeral, 'Share to channel');
    await waitFor(() => ephemeral.text.includes('Shared the *churn* leaderboard'), 'the private answer replaced');
    expect(ephemeral.text).toBe(`:white_check_mark: Shared the *churn* leaderboard in <#${CHANNEL}>; its charts follow in the thread.`);
    expect(buttons(ephemeral)).toEqual([]);
    const root = await waitFor(async () => (await jobs(), boards()[0]), 'leaderboard');
    const board = text(root);
    expect(board).toContain('1. *rf-4* — auc *0.87* :white_check_mark:');
    expect(board).toContain('2. *rf-2* — auc *0.86*');
    expect(board).toContain(`Shared by <@${ANA}> · as of <!date^${Math.floor(h.clock.now().getTime() / 1000)}^`);
    expect(board).not.toContain('Share to channel');

    const files = await waitFor(async () => {
      await jobs();
      const uploaded = h.slack.store.threadReplies(CHANNEL, root.ts).flatMap((m) => m.files ?? []);
      return uploaded.length >= 2 ? uploaded : undefined;
    }, 'two chart uploads');
    expect(h.slack.store.callsTo('files.completeUploadExternal').filter((c) => c.ok && c.args.thread_ts === root.ts)).toHaveLength(2);
    // In order, each named for what it shows, with the root's outbox id for retry detection.
    expect(files.map((f) => f.title)).toEqual(['churn: auc over time', 'churn: top 4 runs by auc, compared']);
    expect(files[0]!.filename).toMatch(/^churn-auc-over-time-\d+\.png$/);
    expect(files[1]!.filename).toMatch(/^churn-top-runs-compared-\d+\.png$/);
    for (const f of files) {
      expect(f.bytes!.length).toBeGreaterThan(2_000);
      expect(f.bytes!.length).toBeLessThan(500_000);
    }
    const overTime = decodePng(files[0]!.bytes!);
    expect([overTime.image.width, overTime.image.height]).toEqual([900, 450]);
    // The target auc ≥ 0.85: its dashed rule in red, the band that meets it shaded.
    expect(overTime.count(CHART_COLORS.target)).toBeGreaterThan(100);
    expect(overTime.count([234, 246, 234], 6)).toBeGreaterThan(2_000);
    // Four runs compared (rf-4 came after the private answer), one colour each, across the brief's two target metrics.
    const compared = decodePng(files[1]!.bytes!);
    for (const colour of RUN_PALETTE.slice(0, 4)) expect(compared.count(colour, 30)).toBeGreaterThan(100);
    // Both carry the spec they were drawn from, with the runs' numbers from the database.
    const spec = JSON.parse(readTextChunk(files[1]!.bytes!, SPEC_KEYWORD)!) as { concat: { title: { text: string }; layer: { data: { values: { run?: string; value: number }[] } }[] }[] };
    expect(spec.concat.map((p) => p.title.text)).toEqual(['auc', 'latency_ms']);
    expect(spec.concat[0]!.layer.flatMap((l) => l.data.values).filter((r) => r.run)).toEqual(expect.arrayContaining([expect.objectContaining({ run: 'rf-2', value: 0.86 }), expect.objectContaining({ run: 'rf-3', value: 0.83 })]));
    expect(readTextChunk(files[0]!.bytes!, SPEC_KEYWORD)).toContain('rf-1');
  });

  it('Share clicked twice — a double click racing, then a stale copy of the button — posts the leaderboard and its two charts once', async () => {
    const before = boards().length;
    const { ephemeral } = await askBoard(ANA, CHANNEL, 'churn');
    const stale = { ...ephemeral, blocks: structuredClone(ephemeral.blocks) };
    const clicks = await Promise.all([h.people.clickEphemeral(ANA, ephemeral, 'Share to channel'), h.people.clickEphemeral(ANA, ephemeral, 'Share to channel')]);
    expect(clicks.map((c) => c.status)).toEqual([200, 200]);
    await waitFor(() => ephemeral.text.includes('leaderboard') && ephemeral.text.includes('shared'), 'the private answer replaced');
    for (let i = 0; i < 3; i++) await jobs();
    await h.people.clickEphemeral(ANA, stale, 'Share to channel');
    await waitFor(() => h.slack.store.callsTo('response_url').some((c) => String(c.args.text).includes('was already shared')), 'the answer to the stale click');
    for (let i = 0; i < 3; i++) await jobs();
    expect(boards()).toHaveLength(before + 1);
    expect(h.slack.store.threadReplies(CHANNEL, boards().at(-1)!.ts).filter((m) => m.files?.length)).toHaveLength(2);
  });

  it('Share while Slack answers 500 after posting: the leaderboard and its two charts are in the channel once each when Slack recovers', async () => {
    const before = boards().length;
    const { ephemeral } = await askBoard(ANA, CHANNEL, 'churn');
    h.slack.injectFault({ method: 'chat.postMessage', times: 2, status: 500, afterActing: true });
    await h.people.clickEphemeral(ANA, ephemeral, 'Share to channel');
    await waitFor(() => ephemeral.text.includes('Shared the *churn* leaderboard'), 'the private answer replaced');
    for (let i = 0; i < 10; i++) await h.app.jobs.tick(h.clock.advance(2000));
    expect(boards()).toHaveLength(before + 1);
    const root = boards().at(-1)!;
    expect(h.slack.store.threadReplies(CHANNEL, root.ts).filter((m) => m.files?.length)).toHaveLength(2);
  });

  it('/mlops runs --metric ranks by that metric in its direction, and --last N keeps only the last N runs; a share keeps both', async () => {
    const { ephemeral } = await askBoard(ANA, CHANNEL, 'churn --metric latency_ms --last 3');
    const privately = JSON.stringify(ephemeral.blocks);
    expect(privately).toContain('over the last 3 runs');
    expect(privately).toContain('1. *rf-2* — latency_ms *100*');
    expect(privately).toContain('2. *rf-4* — latency_ms *140*');
    expect(privately).toContain('3. *rf-3* — latency_ms *150*');
    expect(privately).not.toContain('*rf-1*');
    await h.people.clickEphemeral(ANA, ephemeral, 'Share to channel');
    const root = await waitFor(async () => (await jobs(), boards().find((m) => m.text.includes('leaderboard by latency_ms'))), 'leaderboard');
    const board = text(root);
    expect(board).toContain('over the last 3 runs');
    expect(board).toContain('1. *rf-2* — latency_ms *100*');
    expect(board).not.toContain('*rf-1*');
  });

  it.each([
    ['--last 0', 'runs churn --last 0', '--last is at least 1'],
    ['--last abc', 'runs churn --last abc', '--last takes a whole number'],
    ['a bad metric name', 'runs churn --metric Bad-Name', 'metric: metric names are lowercase letters, digits and _'],
    ['an unknown project', 'runs nope', 'There is no project `nope`'],
  ])('/mlops runs refuses %s', async (_what, command, expected) => {
    const before = posted();
    const res = await h.people.command(ANA, CHANNEL, command);
    expect(ackText(res)).toContain(expected);
    expect(posted()).toBe(before);
  });

  it('/mlops runs for a project without runs says so and posts nothing', async () => {
    await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'empty', channelId: CHANNEL, ownerId: ANA, now: h.clock.now(), targets: TARGETS });
    const before = posted();
    expect(ackText(await h.people.command(ANA, CHANNEL, 'runs empty'))).toContain('No runs logged in *empty* yet');
    expect(posted()).toBe(before);
  });

  it('status, gate evidence and viability check-ins show the latest runs and the best value of each target', async () => {
    const status = await h.people.command(ANA, CHANNEL, 'status churn');
    const statusText = JSON.stringify((status.body as { blocks: unknown[] }).blocks);
    expect(statusText).toContain('*Experiments* — 4 runs');
    expect(statusText).toContain(':white_check_mark: *auc* best 0.87 (rf-4) vs target ≥ 0.85');
    expect(statusText).toContain('*Latest runs*');
    expect(statusText).toContain('*rf-4* — auc 0.87, latency_ms 140');

    const gate = JSON.stringify(await renderSections(h.app.deps, churn, 'gate', h.clock.now()));
    expect(gate).toContain(':white_check_mark: *latency_ms* best 100 (rf-2) vs target ≤ 200');
    expect(gate).not.toContain('Latest runs');

    const viability = JSON.stringify(await renderSections(h.app.deps, churn, 'viability', new Date(h.clock.now().getTime() + 3 * DAY + 60_000)));
    expect(viability).toContain('Days since the last run: *3*');
  });

  it('with an LLM, the summary ends with a short narrative labelled as generated; one that states numbers, or fails, is left out', async () => {
    h.app.deps.llm = openAiLlm({ apiKey: 'test', baseURL: llm.url, model: 'test-model', timeoutMs: 5000 });
    try {
      const narrated = async (reply: () => string | { status: number }) => {
        llm.respond = reply;
        const asked = llm.requests.length;
        const { message } = await logRun(ANA, CHANNEL, 'churn auc=0.84 latency_ms=120');
        await waitFor(() => llm.requests.length > asked, 'the LLM call');
        // The narrative, if accepted, arrives as an update of the posted summary, through the outbox.
        await jobs();
        return text(message);
      };
      const first = await narrated(() => 'The model is now close to the auc target. Latency keeps improving. Try a deeper forest next. A fourth sentence is cut.');
      expect(first).toContain('Generated by an LLM');
      expect(first).toContain('Try a deeper forest next.');
      expect(first).not.toContain('fourth sentence');
      expect(first).toContain('*auc* 0.84 — target ≥ 0.85, not met, short by 0.01');
      const prompt = llm.requests.at(-1)!.messages.map((m) => m.content).join('\n');
      expect(prompt).toContain('Target auc (maximize) 0.85: 0.84, not met');

      const numeric = await narrated(() => 'auc rose to 0.95 which beats the target.');
      expect(numeric).not.toContain('Generated by an LLM');
      expect(numeric).not.toContain('0.95');

      const failed = await narrated(() => ({ status: 500 }));
      expect(failed).toContain('*auc* 0.84');
      expect(failed).not.toContain('Generated by an LLM');
    } finally {
      h.app.deps.llm = null;
    }
  });

  it('accepts metric names as tracking code logs them (val/auc, eval.f1, loss-ce), and /mlops runs --metric ranks by one', async () => {
    await logRun(ANA, CHANNEL, 'vision val/auc=0.8 eval.f1=0.6 loss-ce=0.5');
    const { summary } = await logRun(ANA, CHANNEL, 'vision val/auc=0.85 eval.f1=0.65 loss-ce=0.4 --name wider');
    expect(summary).toContain('*val/auc* 0.85 — :arrow_up: better than the best earlier run, 0.8');
    // loss-ce is a loss by its name: lower is better.
    expect(summary).toContain('*loss-ce* 0.4 — :arrow_up: better than the best earlier run, 0.5');
    const { res, ephemeral } = await askBoard(ANA, CHANNEL, 'vision --metric loss-ce');
    expect(ackText(res) ?? '').not.toContain('metric names are');
    expect(ephemeral.text).toContain('leaderboard by loss-ce');
    expect(JSON.stringify(ephemeral.blocks)).toContain('wider');
    const bad = await h.people.command(ANA, CHANNEL, 'runs vision --metric Val//AUC');
    expect(ackText(bad)).toContain('metric names are lowercase letters');
  });

  it('/mlops runs <slug> compare <a> <b> shows two runs side by side, only to the person who asked: metrics vs targets, params that differ, commit, dataset, when', async () => {
    const before = posted();
    const res = await h.people.command(ANA, ELSEWHERE, 'runs churn compare rf-1 rf-2');
    expect((res.body as { response_type: string }).response_type).toBe('ephemeral');
    const shown = JSON.stringify((res.body as { blocks: unknown[] }).blocks);
    expect(shown).toContain('churn: rf-1 vs rf-2');
    expect(shown).toContain('• *auc* (target ≥ 0.85): 0.8 :x: vs 0.86 :white_check_mark: — *rf-2* better');
    expect(shown).toContain('• *latency_ms* (target ≤ 200): 250 :x: vs 100 :white_check_mark: — *rf-2* better');
    expect(shown).toContain('• *lr*: `0.01` vs `0.02`');
    expect(shown).not.toContain('*depth*');
    expect(shown).toContain('*rf-1* — logged <!date^');
    expect(shown).toContain('commit <https://git.example/ml/churn/commit/abc1234|`abc1234`> · dataset `v3`');
    expect(shown).toContain('*rf-2* — logged');
    expect(shown).toContain('commit _none_ · dataset _none_');
    // By id too, with or without #.
    const [rf1] = await h.database.db.select().from(runs).where(eq(runs.name, 'rf-1'));
    const byId = await h.people.command(ANA, CHANNEL, `runs churn compare #${rf1!.id} rf-2`);
    expect(JSON.stringify((byId.body as { blocks: unknown[] }).blocks)).toContain('churn: rf-1 vs rf-2');
    expect(posted()).toBe(before);
  });

  it.each([
    ['an unknown run', 'runs churn compare rf-1 nope', '*churn* has no run named or numbered "nope"'],
    ['one run only', 'runs churn compare rf-1', 'Compare takes two runs'],
    ['a run of another project', 'runs no-brief compare rf-1 rf-2', '*no-brief* has no run named or numbered "rf-1"'],
  ])('/mlops runs compare refuses %s, naming it', async (_what, command, expected) => {
    const res = await h.people.command(ANA, CHANNEL, command);
    expect(ackText(res)).toContain(expected);
  });
});
