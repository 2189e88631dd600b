import { countBallots, lastClosedGate, openGatesOfProject } from '../../../db/repositories/gates.js';
import type { ProjectSection } from '../section.js';
import { lastGateSection, openGatesSection } from '../../../messages/gate.js';

/** `/mlops status`: open gates and the last outcome; viability check-ins: the last outcome. Not in a gate's own evidence. */
export const gatesSection: ProjectSection = {
  name: 'gates',
  order: 60,
  async render(deps, project, purpose) {
    if (purpose === 'gate') return [];
    const last = await lastClosedGate(deps.db, project.teamId, project.id);
    const lastBlocks = last?.outcome && last.closedAt && last.finalTally ? lastGateSection({ fromPhase: last.fromPhase, toPhase: last.toPhase, outcome: last.outcome, closedAt: last.closedAt, tally: last.finalTally }) : [];
    if (purpose === 'viability') return lastBlocks;
    const open = await openGatesOfProject(deps.db, project.teamId, project.id);
    const summaries = await Promise.all(
      open.map(async (g) => ({ fromPhase: g.fromPhase, toPhase: g.toPhase, deadline: g.deadline, voted: await countBallots(deps.db, g.id), voters: g.voters.length, quorum: g.quorum, anonymous: g.anonymous })),
    );
    return [...openGatesSection(summaries), ...lastBlocks];
  },
};
