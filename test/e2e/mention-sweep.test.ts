import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projects } from '../../src/db/schema/index.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { lastGateMessage, settle, voteNoGo } from '../helpers/gates.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { FakeOpenAi } from '../helpers/openai-server.js';
import { api, projectWithTargets, tokenFor } from '../helpers/runs.js';

const CH = 'C0SWEEP';
const OWNER = 'U0OWNER';
const ANA = 'U0ANA';

/** What people, CI jobs and the model type here, in every field that reaches Slack. */
const HOSTILE = '<!channel> <!here|here> <!everyone> <@UEVIL> <@WEVIL|evil> <#C0EVIL|secret> <https://evil.example|click>';

/**
 * The control sequences that ping people or smuggle links: none of them may appear unescaped in
 * anything the app sends — a message's text, its blocks, a modal, a file's title, an ack.
 */
const UNINTENDED = /<!channel>|<!here|<!everyone>|<@UEVIL>|<@WEVIL|<#C0EVIL|<https:\/\/evil/;

describe.each(databaseKinds())('nothing a person, CI job or model typed pings anyone (%s)', (kind) => {
  let h: Harness;
  const llm = new FakeOpenAi(() => `Good progress. ${HOSTILE}`);
  beforeAll(async () => {
    await llm.start();
    h = await bootApp(kind, { llm });
  });
  afterAll(async () => {
    await h?.close();
    await llm.close();
  });

  it('sweeps every outgoing message of runs, leaderboards, gates and check-ins for broadcasts, mentions and links', async () => {
    const p = await projectWithTargets(h.database.db, { teamId: h.slack.teamId, slug: 'sweep', channelId: CH, ownerId: OWNER, now: h.clock.now(), targets: [{ name: 'auc', direction: 'maximize', target: 0.8 }], phase: 'development' });
    await h.database.db.update(projects).set({ brief: { problem: 'x', successMetrics: [{ name: 'auc', direction: 'maximize', target: 0.8 }], stakeholders: [ANA] } }).where(eq(projects.id, p.id));

    // CI: a run through the API with hostile name, params, note and dataset.
    const { token } = await tokenFor(h, OWNER, CH, 'sweep');
    const posted = await api(h)('POST', '/projects/sweep/runs', { token, body: { name: HOSTILE.slice(0, 90), metrics: { auc: 0.7 }, params: { lr: HOSTILE.slice(0, 200) }, note: HOSTILE, dataset: HOSTILE.slice(0, 150) } });
    expect(posted.status).toBe(201);
    // A person: a run by slash command, then the leaderboard, privately and then shared with its chart.
    await h.people.command(OWNER, CH, `run sweep auc=0.9 --name "${HOSTILE.slice(0, 90)}" --note "${HOSTILE}"`);
    await h.people.command(OWNER, CH, 'runs sweep');
    await h.people.clickEphemeral(OWNER, h.slack.store.ephemerals.at(-1)!, 'Share to channel');
    await waitFor(() => h.slack.store.callsTo('response_url').some((c) => String(c.args.text).includes('Shared the *sweep* leaderboard')), 'the leaderboard shared');
    // A gate with a hostile question and a hostile No-go reason.
    await h.people.command(OWNER, CH, `gate sweep --voters <@${ANA}> <@${OWNER}> ${HOSTILE}`);
    await settle(h);
    await voteNoGo(h, ANA, lastGateMessage(h, CH), HOSTILE);
    // A check-in with a hostile comment.
    await h.people.command(OWNER, CH, 'viability sweep now');
    await settle(h);
    const checkin = h.slack.store.channelMessages(CH).filter((m) => m.text.startsWith('Viability check-in for')).at(-1)!;
    await h.people.click(ANA, checkin, 'Add comment');
    const view = await waitFor(() => [...h.slack.store.views.values()].find((v) => v.userId === ANA && v.open), 'comment modal');
    await h.people.submitView(ANA, view.id, { viability_answer: { viability_answer: 'at_risk' }, viability_comment: { viability_comment: HOSTILE } });
    await settle(h);
    h.clock.advance(25 * 3_600_000);
    await settle(h);
    await waitFor(() => h.slack.store.calls.some((c) => c.method === 'files.completeUploadExternal'), 'chart uploaded');

    const sent = [
      ...h.slack.store.calls.map((c) => ({ what: c.method, body: JSON.stringify(c.args) })),
      ...h.slack.store.ephemerals.map((e) => ({ what: `ephemeral via ${e.via}`, body: JSON.stringify(e) })),
    ];
    // The sweep saw the hostile text arrive (escaped) in each place, so it is not vacuous.
    const escapedSeen = sent.filter((s) => s.body.includes('&lt;@UEVIL&gt;') || s.body.includes('&lt;@UEVIL>'));
    expect(escapedSeen.length).toBeGreaterThan(5);
    expect(sent.filter((s) => UNINTENDED.test(s.body)).map((s) => `${s.what}: ${s.body.match(UNINTENDED)![0]}`)).toEqual([]);
  });
});
