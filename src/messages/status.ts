import type { Phase } from '../shared/enums.js';
import type { PhaseChangeView, ProjectView } from './models.js';
import { type Block, context, divider, esc, header, mention, section, slackDate } from './blocks.js';

const PHASE_EMOJI: Record<Phase, string> = { design: ':pencil2:', development: ':hammer_and_wrench:', deployment: ':rocket:', retired: ':zzz:' };

export function phaseLabel(phase: Phase): string {
  return `${PHASE_EMOJI[phase]} ${phase}`;
}

export function channelStatusMessage(projects: ProjectView[]): { text: string; blocks: Block[] } {
  if (projects.length === 0) {
    const text = 'No projects in this channel yet. Start one with `/mlops intake <slug>`.';
    return { text, blocks: [section(text)] };
  }
  const lines = projects.slice(0, 40).map((p) => `• *${esc(p.slug)}* — ${phaseLabel(p.phase)} · owner ${mention(p.ownerId)}`);
  const more = projects.length > 40 ? [context(`…and ${projects.length - 40} more.`)] : [];
  return {
    text: `${projects.length} project${projects.length === 1 ? '' : 's'} in this channel: ${projects.map((p) => `${p.slug} (${p.phase})`).join(', ')}`,
    blocks: [header('Projects in this channel'), section(lines.join('\n')), ...more, context(`\`/mlops status ${esc(projects[0]!.slug)}\` shows one project in full.`)],
  };
}

export interface ProjectStatus {
  project: ProjectView;
  history: PhaseChangeView[];
  /** Sections contributed by features (brief, runs, gates, alerts), in order. */
  extra?: Block[];
}

export function projectStatusMessage(s: ProjectStatus): { text: string; blocks: Block[] } {
  const p = s.project;
  const history = s.history
    .slice(-10)
    .map((h) => `• ${slackDate(h.at, '{date_short}')}: ${h.fromPhase ? `${h.fromPhase} → ` : ''}*${h.toPhase}* (${h.via === 'created' ? 'created' : h.via === 'gate' ? 'gate' : 'owner override'}, ${mention(h.actorId)})`)
    .join('\n');
  return {
    text: `${p.slug}: phase ${p.phase}, owner <@${p.ownerId}>`,
    blocks: [
      header(`${p.slug} — status`),
      section(`*Phase:* ${phaseLabel(p.phase)}\n*Owner:* ${mention(p.ownerId)}\n*Channel:* <#${p.channelId}>`),
      ...(s.extra ?? []),
      divider(),
      section(`*Phase history*\n${history || '—'}`),
    ],
  };
}
