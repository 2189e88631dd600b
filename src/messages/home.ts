import type { HomeView, ModalView } from '@slack/types';
import type { CheckinAwaitingAnswer, GateAwaitingVote, GateVoted, HomeProject } from './models.js';
import { actions, type Block, context, divider, esc, header, mention, section, sectionsOfLines, slackDate } from './blocks.js';
import { homeAlertLines, type OpenAlertView } from './drift.js';
import { transitionText, VOTE_LABEL, voteButtons } from './gate.js';
import { answerButtons, CHECKIN_QUESTION } from './viability.js';
import { phaseLabel } from './status.js';
import { formatMetric } from '../shared/format-metric.js';

/** How much of each list the Home shows; the rest is counted ("…and N more"). Within Slack's 100 blocks a view. */
export const HOME_LIMITS = { projects: 25, gates: 10, voted: 10, checkins: 5 } as const;

/** A list the Home shows the first items of: `total` counts them all. */
export interface Capped<T> {
  items: T[];
  total: number;
}

export interface HomeData {
  userId: string;
  /** Every project the person owns or holds a stake in (the first HOME_LIMITS.projects are shown). */
  projects: HomeProject[];
  /** Open gates where this person may vote and has not. */
  awaitingVote?: Capped<GateAwaitingVote>;
  /** Open gates where they have voted (their ballot can still change). */
  voted?: GateVoted[];
  /** Open check-ins of their projects that they have not answered. */
  checkins?: Capped<CheckinAwaitingAnswer>;
  /** Open drift alerts of their projects. */
  openAlerts?: OpenAlertView[];
}

/** The block ids of the Home's button rows: unique in the view, one per gate or check-in. */
export const homeGateBlockId = (gateId: number) => `home-gate-${gateId}`;
export const homeCheckinBlockId = (checkinId: number) => `home-checkin-${checkinId}`;

const NONE = { items: [], total: 0 };

/**
 * The Home view's callback id. Slack sends every view's callback_id with a click in it (empty when
 * none was set), and the envelope check expects one; setting it names the view in those payloads.
 */
export const HOME_CALLBACK_ID = 'home';

const more = (shown: number, total: number, what: string): Block[] => (total > shown ? [context(`…and ${total - shown} more ${what}.`)] : []);

const linkOr = (permalink: string | null, label: string, channelId: string) => (permalink ? `<${permalink}|${label}>` : `in <#${channelId}>`);

/**
 * The App Home tab: the person's projects (phase, best primary metric against its target), the
 * gates awaiting their vote with the vote buttons, their ballots on open gates, the check-ins
 * waiting for their answer with the answer buttons, and the open drift alerts of their projects.
 * The buttons carry the same action ids and values as those on the channel messages.
 */
export function homeView(d: HomeData): HomeView {
  const shownProjects = d.projects.slice(0, HOME_LIMITS.projects);
  const blocks: Block[] = [
    header('MLOps Lifecycle'),
    section(`Hi ${mention(d.userId)}. Your projects:`),
    ...(shownProjects.length ? sectionsOfLines(shownProjects.map((p) => projectLine(p, d.userId))) : [section('You have no projects yet. Start one in a channel with `/mlops intake <slug>`.')]),
    ...more(shownProjects.length, d.projects.length, 'projects'),
    divider(),
    ...gateBlocks(d.awaitingVote ?? NONE),
    ...votedBlocks(d.voted ?? []),
    divider(),
    ...checkinBlocks(d.checkins ?? NONE),
    divider(),
    // Alert lines with links can outgrow one section: they spread over as many as they need.
    ...sectionsOfLines(homeAlertLines(d.openAlerts ?? [])),
    divider(),
    context('`/mlops help` in any channel lists the commands.'),
  ];
  return { type: 'home', callback_id: HOME_CALLBACK_ID, blocks };
}

function projectLine(p: HomeProject, userId: string): string {
  const head = `• *${esc(p.slug)}* — ${phaseLabel(p.phase)} in <#${p.channelId}>${p.ownerId === userId ? ' · you own it' : ''}`;
  return `${head}\n      ${metricText(p.primary ?? null)}`;
}

/** The primary success metric's best value against its target, or why there is none. */
export function metricText(m: HomeProject['primary'] | null): string {
  if (!m) return 'no success metric in the design brief yet';
  const target = `target ${m.direction === 'maximize' ? '≥' : '≤'} ${formatMetric(m.target)}`;
  if (m.best === null) return `:heavy_minus_sign: *${esc(m.name)}*: no run reports it yet (${target})`;
  return `${m.met ? ':white_check_mark:' : ':x:'} *${esc(m.name)}* best ${formatMetric(m.best)} vs ${target} — ${m.met ? 'met' : 'not met'}`;
}

function gateBlocks(g: Capped<GateAwaitingVote>): Block[] {
  if (g.items.length === 0) return [section('*Gates awaiting your vote*\nNothing to vote on right now.')];
  const shown = g.items.slice(0, HOME_LIMITS.gates);
  return [
    section('*Gates awaiting your vote*'),
    ...shown.flatMap((gate) => [
      section(
        `*${esc(gate.slug)}* ${transitionText(gate.fromPhase, gate.toPhase)}: ${esc(gate.question)}\nCloses ${slackDate(gate.deadline)}${gate.anonymous ? ' · anonymous' : ''} · ${linkOr(gate.permalink, 'open the gate message', gate.channelId)}`,
      ),
      { type: 'actions' as const, block_id: homeGateBlockId(gate.gateId), elements: voteButtons(gate.gateId) },
    ]),
    ...more(shown.length, g.total, 'gates awaiting your vote; the gate messages have the same buttons'),
  ];
}

function votedBlocks(voted: GateVoted[]): Block[] {
  if (voted.length === 0) return [];
  const shown = voted.slice(0, HOME_LIMITS.voted);
  const lines = shown.map(
    (g) => `• *${esc(g.slug)}* ${transitionText(g.fromPhase, g.toPhase)}: you voted *${VOTE_LABEL[g.vote]}* — ${linkOr(g.permalink, 'change it on the gate message', g.channelId)} until it closes ${slackDate(g.deadline)}`,
  );
  return [...sectionsOfLines([`*Your ballots on open gates*`, ...lines]), ...more(shown.length, voted.length, 'open gates you voted on')];
}

function checkinBlocks(c: Capped<CheckinAwaitingAnswer>): Block[] {
  if (c.items.length === 0) return [section('*Check-ins waiting for your answer*\nNo check-in is waiting for your answer.')];
  const shown = c.items.slice(0, HOME_LIMITS.checkins);
  return [
    section('*Check-ins waiting for your answer*'),
    ...shown.flatMap((ci) => [
      section(`*${esc(ci.slug)}*: ${CHECKIN_QUESTION}\nAnswers close ${slackDate(ci.closesAt)} · ${linkOr(ci.permalink, 'open the check-in', ci.channelId)} (signals, comments)`),
      actions(homeCheckinBlockId(ci.checkinId), answerButtons(ci.checkinId)),
    ]),
    ...more(shown.length, c.total, 'check-ins waiting for your answer'),
  ];
}

/**
 * What a click in Home could not do (a refusal, an error), shown in a small modal: a Home click has
 * no channel for an ephemeral reply.
 */
export function homeNoticeModal(text: string): ModalView {
  return { type: 'modal', title: { type: 'plain_text', text: 'MLOps Lifecycle' }, close: { type: 'plain_text', text: 'OK' }, blocks: [section(text)] };
}
