import type { HomeView } from '@slack/types';
import type { GateAwaitingVote, ProjectView } from './models.js';
import { type Block, context, divider, esc, header, mention, section, slackDate } from './blocks.js';
import { homeAlertsText, type OpenAlertView } from './drift.js';
import { phaseLabel } from './status.js';

export interface HomeData {
  userId: string;
  projects: ProjectView[];
  /** Open gates where this person may vote and has not. */
  awaitingVote?: GateAwaitingVote[];
  /** Open drift alerts of those projects. */
  openAlerts?: OpenAlertView[];
}

/** The App Home tab: the person's projects, then what awaits them. */
export function homeView(d: HomeData): HomeView {
  const list = d.projects.slice(0, 30).map((p) => `• *${esc(p.slug)}* — ${phaseLabel(p.phase)} in <#${p.channelId}>${p.ownerId === d.userId ? ' · you own it' : ''}`);
  const blocks: Block[] = [
    header('MLOps Lifecycle'),
    section(`Hi ${mention(d.userId)}. Your projects:`),
    section(list.length ? list.join('\n') : 'You have no projects yet. Start one in a channel with `/mlops intake <slug>`.'),
    ...(d.projects.length > 30 ? [context(`…and ${d.projects.length - 30} more.`)] : []),
    divider(),
    section(`*Gates awaiting your vote*\n${awaitingLines(d.awaitingVote ?? []) || 'Nothing to vote on right now.'}`),
    divider(),
    section(homeAlertsText(d.openAlerts ?? [])),
    divider(),
    context('`/mlops help` in any channel lists the commands.'),
  ];
  return { type: 'home', blocks };
}

function awaitingLines(gates: GateAwaitingVote[]): string {
  return gates
    .slice(0, 20)
    .map((g) => `• *${esc(g.slug)}* ${g.fromPhase} → ${g.toPhase}: ${esc(g.question)} — in <#${g.channelId}>, closes ${slackDate(g.deadline)}`)
    .join('\n');
}
