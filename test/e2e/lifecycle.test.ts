import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProject, phaseHistory } from '../../src/db/repositories/projects.js';
import type { StoredMessage } from '../../src/sandbox/emulator/store.js';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { blockTexts, buttonLabels, ephemeralsFor, lastGateMessage, settle, vote } from '../helpers/gates.js';
import { bootApp, type Harness } from '../helpers/harness.js';
import { api, tokenFor } from '../helpers/runs.js';
import { intakeSteps } from './intake-steps.js';

const CH = 'C0LIFECYCLE';
const ALICE = 'U0ALICE';
const [ANA, BEN] = ['U0ANA', 'U0BEN'];

/**
 * One project's whole life through the emulator, every feature handing over to the next one:
 * intake → design gate → runs from CI → deployment gate → viability check-in → continue/stop gate.
 */
describe.each(databaseKinds())('a project from idea to retirement (%s)', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootApp(kind);
  });
  afterAll(async () => h?.close());

  const phase = async () => (await findProject(h.database.db, h.slack.teamId, 'churn-model'))!.phase;
  const withButton = (label: string) => h.slack.store.messages.filter((m) => m.channel === CH && buttonLabels(m).includes(label)).at(-1);
  const clickAndHear = async (user: string, m: StoredMessage, label: string) => {
    const before = ephemeralsFor(h, user).length;
    await h.people.click(user, m, label);
    return waitFor(() => ephemeralsFor(h, user)[before], `${user}'s answer to ${label}`);
  };
  const permalinkOf = (m: StoredMessage) => `${h.slack.url}/archives/${CH}/p${m.ts.replace('.', '')}`;
  const everyoneVotesGo = async (evidence: { brief?: StoredMessage; runs?: StoredMessage } = {}) => {
    await settle(h);
    const gate = lastGateMessage(h, CH);
    expect(buttonLabels(gate)).toContain('Go');
    // The evidence links to the messages behind it.
    if (evidence.brief) expect(blockTexts(gate)).toContain(`<${permalinkOf(evidence.brief)}|Design brief>`);
    if (evidence.runs) expect(blockTexts(gate)).toContain(`<${permalinkOf(evidence.runs)}|Latest run and leaderboard>`);
    else expect(blockTexts(gate)).not.toContain('Latest run and leaderboard');
    await vote(h, ANA, gate, 'Go');
    await vote(h, BEN, gate, 'Go');
    await settle(h);
    return gate;
  };

  it('moves through every phase on the team’s decisions', async () => {
    // Design: the intake conversation produces the brief.
    const steps = intakeSteps(h);
    const { root } = await steps.start(ALICE, CH, 'churn-model');
    for (const answer of [
      'Customers leave without warning and account managers learn too late.',
      'Rules on last login catch 40% of churners; usage patterns carry far more signal.',
      'A weekly churn score for every account, in the CRM by Monday 08:00.',
      'auc >= 0.85, latency_p95_ms <= 200',
      'Billing history and product events; labels arrive 30 days late.',
      `<@${ANA}> <@${BEN}|ben>`,
      'Label leakage from cancellation tickets.',
      'Pilot by the end of Q1 2027.',
    ]) {
      await steps.answer(ALICE, CH, root.ts, answer);
    }
    await steps.briefStored(root.ts);
    expect(await phase()).toBe('design');

    // Design gate: the stakeholders vote Go; the project enters development.
    const brief = steps.briefMessage(CH, root.ts)!;
    expect(await clickAndHear(ALICE, brief, 'Request design gate')).toContain('design → development');
    await everyoneVotesGo({ brief });
    expect(await phase()).toBe('development');

    // Development: CI posts a run that meets every target; its summary offers the deployment gate.
    const { token } = await tokenFor(h, ALICE, CH, 'churn-model');
    const posted = await api(h)('POST', '/projects/churn-model/runs', { token, body: { name: 'gbm-7', metrics: { auc: 0.91, latency_p95_ms: 140 } } });
    expect(posted.status).toBe(201);
    await settle(h);
    const summary = withButton('Request deployment gate');
    expect(summary).toBeDefined();
    expect(await clickAndHear(ALICE, summary!, 'Request deployment gate')).toContain('development → deployment');
    await everyoneVotesGo({ brief, runs: summary });
    expect(await phase()).toBe('deployment');

    // Deployment: a viability check-in where both stakeholders answer Not viable escalates.
    const ack = await h.people.command(ALICE, CH, 'viability churn-model now --window 1h');
    expect((ack.body as { text: string }).text).toContain('Posting a viability check-in');
    await settle(h);
    const checkin = h.slack.store.channelMessages(CH).filter((m) => m.text.startsWith('Viability check-in for')).at(-1)!;
    await clickAndHear(ANA, checkin, 'Not viable');
    await clickAndHear(BEN, checkin, 'Not viable');
    h.clock.advance(3_600_000);
    await settle(h);
    const proposal = withButton('Open continue/stop gate');
    expect(proposal?.threadTs).toBe(checkin.ts);
    expect(await clickAndHear(ALICE, proposal!, 'Open continue/stop gate')).toContain('deployment → retired');
    // Retiring needs the owner among the voters: the stakeholders alone do not close it.
    const retireGate = await everyoneVotesGo({ brief, runs: summary });
    expect(await phase()).toBe('deployment');
    await vote(h, ALICE, retireGate, 'Go');
    await settle(h);
    expect(await phase()).toBe('retired');

    const project = (await findProject(h.database.db, h.slack.teamId, 'churn-model'))!;
    const history = await phaseHistory(h.database.db, project.id);
    expect(history.map((c) => [c.fromPhase, c.toPhase, c.via])).toEqual([
      [null, 'design', 'created'],
      ['design', 'development', 'gate'],
      ['development', 'deployment', 'gate'],
      ['deployment', 'retired', 'gate'],
    ]);
    const status = await h.people.command(ALICE, CH, 'status churn-model');
    const text = JSON.stringify((status.body as { blocks: unknown[] }).blocks);
    expect(text).toContain('retired');
    expect(text).toContain('auc');
  });
});
