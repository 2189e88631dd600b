import type { ProjectRow } from '../../db/repositories/projects.js';
import { type Block, context, divider, esc, header, mention, section } from './blocks.js';
import { phaseLabel } from './status.js';

export interface HomeData {
  userId: string;
  projects: ProjectRow[];
  /** Sections contributed by features: open gates awaiting this person's vote, open alerts. */
  extra?: Block[];
}

/** The App Home tab: the person's projects, then what awaits them. */
export function homeView(d: HomeData): { type: 'home'; blocks: Block[] } {
  const list = d.projects.slice(0, 30).map((p) => `• *${esc(p.slug)}* — ${phaseLabel(p.phase)} in <#${p.channelId}>${p.ownerId === d.userId ? ' · you own it' : ''}`);
  const blocks: Block[] = [
    header('MLOps Lifecycle'),
    section(`Hi ${mention(d.userId)}. Your projects:`),
    section(list.length ? list.join('\n') : 'You have no projects yet. Start one in a channel with `/mlops intake <slug>`.'),
    ...(d.projects.length > 30 ? [context(`…and ${d.projects.length - 30} more.`)] : []),
    ...(d.extra?.length ? [divider(), ...d.extra] : []),
    divider(),
    context('`/mlops help` in any channel lists the commands.'),
  ];
  return { type: 'home', blocks };
}
