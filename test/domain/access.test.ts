import { describe, expect, it } from 'vitest';
import { assertMay, may, PROJECT_ACTIONS, type ProjectAction, stakeholdersOf, whoMay } from '../../src/domain/access.js';
import { gateVoters } from '../../src/domain/gates/open-rights.js';

const project = { slug: 'churn', ownerId: 'U0OWNER', channelId: 'C0HOME', brief: { stakeholders: ['U0ANA'] } };

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
