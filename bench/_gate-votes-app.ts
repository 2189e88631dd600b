/**
 * The app side of bench/gate-votes.ts, in a child process so the clicking clients do not share the
 * app's event loop: boots the app against the database and the Slack emulator, opens gates on the
 * bench's request (each with one extra voter who never votes, so it stays open), and answers the
 * bench's requests.
 */
import { waitFor } from '../test/helpers/clock.js';
import { ballotRows, CHANNEL, lastGateMessage, latestGate, makeProject, OWNER, settle } from '../test/helpers/gates.js';
import { bootApp, SIGNING_SECRET } from '../test/helpers/harness.js';

type Request = { type: 'open'; slug: string; voters: string[] } | { type: 'wait'; confirmations: number } | { type: 'ballots'; gateId: number } | { type: 'finish' };

const { kind } = JSON.parse(process.env.BENCH_GATE ?? '{}') as { kind: 'pglite' | 'postgres' };
const port = { postMessage: (m: unknown) => process.send!(m), on: (e: 'message', f: (m: Request) => void) => process.on(e, f as (m: unknown) => void) };
const h = await bootApp(kind, { database: { namePrefix: 'bench_votes' } });
port.postMessage({ type: 'ready', appUrl: h.app.url, signingSecret: SIGNING_SECRET, teamId: h.slack.teamId });

port.on('message', async (m: Request) => {
  if (m.type === 'open') {
    await makeProject(h, m.slug);
    const mentions = [...m.voters, 'U0NEVERVOTES'].map((v) => `<@${v}>`).join(' ');
    const res = await h.people.command(OWNER, CHANNEL, `gate ${m.slug} --voters ${mentions}`);
    if (!String((res.body as { text?: string }).text).includes('Opened')) throw new Error(`gate not opened: ${JSON.stringify(res.body)}`);
    await settle(h);
    const gate = await latestGate(h);
    port.postMessage({ type: 'opened', gateId: gate.id, message: lastGateMessage(h) });
  } else if (m.type === 'wait') {
    // A round is over when every voter got the answer the app sends after its follow-up work.
    await waitFor(() => h.slack.store.ephemerals.length >= m.confirmations, 'confirmations', 300_000);
    port.postMessage({ type: 'waited' });
  } else if (m.type === 'ballots') {
    port.postMessage({ type: 'ballots', n: (await ballotRows(h, m.gateId)).length });
  } else if (m.type === 'finish') {
    const updatesBefore = h.slack.store.callsTo('chat.update').length;
    await settle(h, 20);
    const updates = h.slack.store.callsTo('chat.update').length;
    await h.close();
    port.postMessage({ type: 'finished', updates, updatesWhileSettling: updates - updatesBefore });
    process.disconnect();
  }
});
