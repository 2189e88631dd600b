import type { RunView } from './models.js';
import { runLabel } from '../domain/experiments/summary.js';
import type { SuccessMetric } from '../domain/metrics/success-metric.js';
import { compareToTarget } from '../domain/metrics/success-metric.js';
import { type Block, actions, context, esc, header, mention, safeFallback, section, sectionsOfLines, slackDate } from './blocks.js';
import { RUNS_IDS, shareLeaderboardValue, type ShareLeaderboardValue } from './ids/runs.js';
import { formatMetric } from '../shared/format-metric.js';

export interface LeaderboardView {
  projectSlug: string;
  metric: { name: string; direction: 'maximize' | 'minimize' };
  /** The brief's target for the primary metric, if it sets one. */
  target: SuccessMetric | null;
  rows: { run: RunView; value: number }[];
  totalRuns: number;
  /** Only the last N runs competed. */
  lastN?: number;
  /** Params whose values differ between the top runs, shown next to each. */
  differing: string[];
  /** The best value of every success metric vs its target. */
  bestVsTargets: { metric: SuccessMetric; best: number | null }[];
}

const MAX_PARAMS_SHOWN = 6;

/** Who shared a leaderboard in the channel, and the moment its figures were read. */
export interface SharedBy {
  sharedBy: string;
  asOf: Date;
}

export function leaderboardMessage(v: LeaderboardView, shared?: SharedBy): { text: string; blocks: Block[] } {
  const dir = v.metric.direction === 'maximize' ? 'higher is better' : 'lower is better';
  const scope = v.lastN ? `the last ${v.lastN} runs` : `all ${v.totalRuns} run${v.totalRuns === 1 ? '' : 's'}`;
  const blocks: Block[] = [header(`${v.projectSlug} — experiment leaderboard`)];
  blocks.push(context(`Ranked by *${v.metric.name}* (${dir})${v.target ? `, target ${v.target.direction === 'maximize' ? '≥' : '≤'} ${formatMetric(v.target.target)}` : ''} · over ${scope}`));
  if (shared) blocks.push(context(`Shared by ${mention(shared.sharedBy)} · as of ${slackDate(shared.asOf)}`));
  if (v.rows.length === 0) {
    const text = `No runs of ${v.projectSlug} report ${v.metric.name} yet.`;
    blocks.push(section(`${esc(text)} Log one with \`/mlops run ${esc(v.projectSlug)} ${esc(v.metric.name)}=…\`.`));
    return { text, blocks };
  }
  const shownParams = v.differing.slice(0, MAX_PARAMS_SHOWN);
  const lines = v.rows.map((r, i) => {
    const met = v.target ? (compareToTarget(v.target, r.value).met ? ' :white_check_mark:' : ' :x:') : '';
    const params = shownParams.filter((k) => r.run.params[k] !== undefined).map((k) => `${esc(k)}=${esc(r.run.params[k]!)}`);
    return `${i + 1}. *${esc(runLabel(r.run))}* — ${v.metric.name} *${formatMetric(r.value)}*${met}${params.length ? ` · ${params.join(', ')}` : ''} · ${slackDate(r.run.createdAt, '{date_short} {time}')}`;
  });
  blocks.push(...sectionsOfLines(lines));
  if (v.differing.length) {
    blocks.push(context(`Params that differ between the top runs: ${v.differing.map(esc).join(', ')}${v.differing.length > MAX_PARAMS_SHOWN ? ` (first ${MAX_PARAMS_SHOWN} shown)` : ''}`));
  }
  if (v.bestVsTargets.length) {
    const targetLines = v.bestVsTargets.map(({ metric, best }) => {
      if (best === null) return `:heavy_minus_sign: *${metric.name}* — no run reports it yet`;
      const { met } = compareToTarget(metric, best);
      return `${met ? ':white_check_mark:' : ':x:'} *${metric.name}* best ${formatMetric(best)} vs target ${metric.direction === 'maximize' ? '≥' : '≤'} ${formatMetric(metric.target)}`;
    });
    blocks.push(section(`*Best against the targets*\n${targetLines.join('\n')}`));
  } else {
    blocks.push(context('No targets set: the design brief has no success metrics yet.'));
  }
  const top = v.rows[0]!;
  return { text: safeFallback(`${v.projectSlug} leaderboard by ${v.metric.name}: best ${runLabel(top.run)} with ${formatMetric(top.value)}`), blocks };
}

export const SHARE_LEADERBOARD_LABEL = 'Share to channel';

/**
 * `/mlops runs` as the person who asked sees it, privately: the leaderboard and a Share to channel
 * button carrying what to read again when it is clicked (not the figures: the shared message shows
 * the database as it is then). An ephemeral message cannot carry an uploaded file, so the chart
 * waits for the shared copy.
 */
export function leaderboardPreviewMessage(v: LeaderboardView, share: ShareLeaderboardValue): { text: string; blocks: Block[] } {
  const board = leaderboardMessage(v);
  if (v.rows.length === 0) return board;
  return {
    text: board.text,
    blocks: [
      ...board.blocks,
      context(`Only you can see this. Shared to the channel, it comes with charts in its thread: *${v.metric.name}* over time against its target, and the top runs compared.`),
      actions('runs_share', [{ text: SHARE_LEADERBOARD_LABEL, actionId: RUNS_IDS.shareLeaderboard, style: 'primary', value: shareLeaderboardValue(share) }]),
    ],
  };
}

/**
 * What replaces the private leaderboard once it is shared (or was already, by an earlier click):
 * as blocks too, since a replacement without blocks would leave the old ones, button included.
 */
export function leaderboardSharedNotice(n: { projectSlug: string; channelId: string; already: boolean }): { text: string; blocks: Block[] } {
  const text = n.already
    ? `:white_check_mark: This *${esc(n.projectSlug)}* leaderboard was already shared in <#${n.channelId}>.`
    : `:white_check_mark: Shared the *${esc(n.projectSlug)}* leaderboard in <#${n.channelId}>; its charts follow in the thread.`;
  return { text, blocks: [section(text)] };
}
