import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/clock.js';
import { databaseKinds } from '../helpers/db.js';
import { CHANNEL, lastGateMessage, makeProject, OWNER, settle, vote } from '../helpers/gates.js';
import { bootApp, type Harness } from '../helpers/harness.js';

const [ANA, BEN] = ['U0ANA', 'U0BEN'];

describe.each(databaseKinds())('App Home (%s)', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await bootApp(kind);
  });
  afterAll(async () => h?.close());

  /** Opens the Home tab and returns its text once Slack has the newly published view. */
  const home = async (user: string) => {
    const before = h.slack.store.callsTo('views.publish').length;
    await h.people.openHome(user);
    await waitFor(() => h.slack.store.callsTo('views.publish').length > before, `${user}'s home`);
    return JSON.stringify(h.slack.store.homeViews.get(user));
  };

  it('lists the person’s projects and the open gates awaiting their vote, until they vote — anonymous gates too', async () => {
    await makeProject(h, 'fraud-model', { stakeholders: [ANA, BEN], phase: 'development' });
    await makeProject(h, 'ads-model', { stakeholders: [ANA, BEN] });
    const open = async (slug: string, extra = '') => {
      const res = await h.people.command(OWNER, CHANNEL, `gate ${slug} ${extra}`.trim());
      expect(res.status).toBe(200);
      await settle(h);
      return lastGateMessage(h);
    };
    const fraudGate = await open('fraud-model');
    const adsGate = await open('ads-model', '--anonymous');

    const anaHome = await home(ANA);
    expect(anaHome).toContain('*fraud-model*');
    expect(anaHome).toMatch(/\*fraud-model\* development → deployment/);
    expect(anaHome).toMatch(/\*ads-model\* design → development/);

    await vote(h, ANA, fraudGate, 'Go');
    await vote(h, ANA, adsGate, 'Go');
    expect(await home(ANA)).toContain('Nothing to vote on right now.');
    const benHome = await home(BEN);
    expect(benHome).toMatch(/\*fraud-model\* development → deployment/);
    expect(benHome).toMatch(/\*ads-model\* design → development/);

    // Not a voter: no gates listed, and not a stakeholder: no projects either.
    const other = await home('U0OTHER');
    expect(other).toContain('Nothing to vote on right now.');
    expect(other).toContain('You have no projects yet');
  });
});
