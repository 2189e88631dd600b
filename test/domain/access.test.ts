import { describe, expect, it } from 'vitest';
import { assertMay, may, PROJECT_ACTIONS, type ProjectAction, stakeholdersOf, whoMay } from '../../src/domain/access.js';
import { gateVoters } from '../../src/domain/gates/open-rights.js';

const project = { slug: 'churn', ownerId: 'U0OWNER', channelId: 'C0HOME', brief: { stakeholders: ['U0ANA'] }, alert: { channelId: 'C0HOME', messageTs: '1700000000.000100' } };

const actors = {
  owner: { userId: 'U0OWNER', channelId: 'C0ELSE' },
  stakeholder: { userId: 'U0ANA', channelId: 'C0ELSE' },
  member: { userId: 'U0MEMBER', channelId: 'C0HOME' },
  participant: { userId: 'U0PAT', channelId: 'C0ELSE', intakeParticipants: ['U0PAT'] },
  stranger: { userId: 'U0STRANGER', channelId: 'C0ELSE' },
  api: { userId: 'U0STRANGER' },
} as const;

/** PRODUCT §2 "Who may do what", row by row. */
const TABLE: Record<ProjectAction, (keyof typeof actors)[]> = {
  read: ['owner', 'stakeholder', 'member'],
  log_run: ['owner', 'stakeholder', 'member'],
  edit_brief: ['owner', 'stakeholder', 'participant'],
  manage: ['owner'],
  open_gate: ['owner', 'stakeholder'],
  answer_checkin: ['owner', 'stakeholder'],
  checkin_now: ['owner', 'stakeholder'],
  // Members of the alert channel only: the owner and stakeholders elsewhere do not handle it from there.
  handle_alert: ['member'],
};

describe('who may do what', () => {
  for (const action of PROJECT_ACTIONS) {
    for (const [name, actor] of Object.entries(actors)) {
      const allowed = TABLE[action].includes(name as keyof typeof actors);
      it(`${action}: ${name} ${allowed ? 'may' : 'may not'}`, () => {
        expect(may(action, actor, project)).toBe(allowed);
        if (allowed) expect(() => assertMay(action, actor, project)).not.toThrow();
        else expect(() => assertMay(action, actor, project)).toThrow(whoMay(action, project));
      });
    }
  }

  it('reads stakeholders only from a well-formed brief', () => {
    expect(stakeholdersOf(null)).toEqual([]);
    expect(stakeholdersOf({ stakeholders: 'U0ANA' })).toEqual([]);
    expect(stakeholdersOf({ stakeholders: ['U0ANA', 'U0RAJ'] })).toEqual(['U0ANA', 'U0RAJ']);
  });
});

describe('who may acknowledge, snooze or resolve a drift alert', () => {
  const alerted = { ...project, alert: { channelId: 'C0ALERTS', messageTs: '1700000000.000100' } };
  it('a click on the alert’s own message, by anyone who can see it', () => {
    expect(may('handle_alert', { userId: 'U0ANYONE', channelId: 'C0ALERTS', messageTs: '1700000000.000100' }, alerted)).toBe(true);
  });
  it('not a copy of its buttons in another message or channel, nor the home channel when alerts go elsewhere', () => {
    expect(may('handle_alert', { userId: 'U0ANYONE', channelId: 'C0ALERTS', messageTs: '1700000000.000999' }, alerted)).toBe(false);
    expect(may('handle_alert', { userId: 'U0OWNER', channelId: 'C0OTHER', messageTs: '1700000000.000100' }, alerted)).toBe(false);
    expect(may('handle_alert', { userId: 'U0OWNER', channelId: 'C0HOME' }, alerted)).toBe(false);
    expect(may('handle_alert', { userId: 'U0OWNER' }, alerted)).toBe(false);
  });
  it('a command typed in the alert channel; never a message Slack has not posted yet', () => {
    expect(may('handle_alert', { userId: 'U0ANYONE', channelId: 'C0ALERTS' }, alerted)).toBe(true);
    expect(may('handle_alert', { userId: 'U0ANYONE', channelId: 'C0ALERTS', messageTs: '1' }, { ...alerted, alert: { channelId: 'C0ALERTS', messageTs: null } })).toBe(false);
  });
  it('nobody, without an alert', () => {
    expect(may('handle_alert', { userId: 'U0OWNER', channelId: 'C0HOME' }, { ...project, alert: undefined })).toBe(false);
  });
});

describe('the voters of a gate towards retired', () => {
  const base = { ownerId: 'U0OWNER', stakeholders: ['U0ANA', 'U0RAJ'] };
  it('default to the stakeholders, with the owner added', () => {
    expect(gateVoters({ ...base, toPhase: 'retired' })).toEqual(['U0ANA', 'U0RAJ', 'U0OWNER']);
    expect(gateVoters({ ...base, toPhase: 'deployment' })).toEqual(['U0ANA', 'U0RAJ']);
  });
  it('when named, must include the owner', () => {
    expect(() => gateVoters({ ...base, toPhase: 'retired', voters: ['U0ANA'] })).toThrow('needs the project owner');
    expect(gateVoters({ ...base, toPhase: 'retired', voters: ['U0ANA', 'U0OWNER'] })).toEqual(['U0ANA', 'U0OWNER']);
  });
});
