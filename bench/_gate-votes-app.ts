/**
 * The app side of bench/gate-votes.ts, in a child process so the clicking clients do not share the
 * app's event loop: boots the app against the database and the Slack emulator, opens a gate with
 * 101 voters (one never votes, so the gate stays open), and answers the bench's requests.
 */
import { waitFor } from '../test/helpers/clock.js';
import { ballotRows, CHANNEL, lastGateMessage, latestGate, makeProject, OWNER, settle } from '../test/helpers/gates.js';
import { bootApp, SIGNING_SECRET } from '../test/helpers/harness.js';

const { voters, kind } = JSON.parse(process.env.BENCH_GATE ?? '{}') as { voters: string[]; kind: 'pglite' | 'postgres' };
const port = { postMessage: (m: unknown) => process.send!(m), on: (e: 'message', f: (m: { type: string; confirmations?: number }) => void) => process.on(e, f as (m: unknown) => void) };
const h = await bootApp(kind);
await makeProject(h, 'bench-gate');
const mentions = [...voters, 'U0NEVERVOTES'].map((v) => `<@${v}>`).join(' ');
const res = await h.people.command(OWNER, CHANNEL, `gate bench-gate --voters ${mentions}`);
if (!String((res.body as { text?: string }).text).includes('Opened')) throw new Error(`gate not opened: ${JSON.stringify(res.body)}`);
await settle(h);
const gate = await latestGate(h);
port.postMessage({ type: 'ready', appUrl: h.app.url, signingSecret: SIGNING_SECRET, teamId: h.slack.teamId, message: lastGateMessage(h) });

port.on('message', async (m: { type: string; confirmations?: number }) => {
  if (m.type === 'wait') {
    // A round is over when every voter got the answer the app sends after its follow-up work.
    await waitFor(() => h.slack.store.ephemerals.length >= m.confirmations!, 'confirmations', 120_000);
    port.postMessage({ type: 'waited' });
  } else if (m.type === 'finish') {
    const updatesBefore = h.slack.store.callsTo('chat.update').length;
    await settle(h, 20);
    const ballots = (await ballotRows(h, gate.id)).length;
    const updates = h.slack.store.callsTo('chat.update').length;
    await h.close();
    port.postMessage({ type: 'finished', ballots, updates, updatesWhileSettling: updates - updatesBefore });
    process.disconnect();
  }
});
