import { RUNS_IDS } from './ids/runs.js';
import { formatMetric } from '../shared/format-metric.js';
import type { BestLine, ParamChange, RunSummary, TargetLine } from '../domain/experiments/summary.js';
import { type Block, actions, context, esc, escapedSectionTexts, safeFallback, section } from './blocks.js';

export const REQUEST_DEPLOYMENT_GATE_LABEL = 'Request deployment gate';
/** Beyond this many metrics the comparison lists end with "…and N more", keeping each section under Slack's 3,000 characters. */
const MAX_LINES = 20;

const signed = (n: number): string => (n > 0 ? `+${formatMetric(n)}` : n < 0 ? `−${formatMetric(-n)}` : '0');
const cmp = (direction: 'maximize' | 'minimize') => (direction === 'maximize' ? '≥' : '≤');

export function targetLine(t: TargetLine): string {
  if (t.value === null) return `:heavy_minus_sign: *${t.name}* not reported (target ${cmp(t.direction)} ${formatMetric(t.target)})`;
  const how = t.met ? (t.delta === 0 ? 'met exactly' : `met by ${formatMetric(Math.abs(t.delta!))}`) : `not met, short by ${formatMetric(Math.abs(t.delta!))}`;
  return `${t.met ? ':white_check_mark:' : ':x:'} *${t.name}* ${formatMetric(t.value)} — target ${cmp(t.direction)} ${formatMetric(t.target)}, ${how}`;
}

export function bestLine(b: BestLine): string {
  if (!b.previous) return `• *${b.name}* ${formatMetric(b.value)} — first run to report it`;
  const diff = b.value - b.previous.value;
  const verdict = b.verdict === 'better' ? ':arrow_up: better than' : b.verdict === 'worse' ? ':arrow_down: worse than' : ':left_right_arrow: equal to';
  const delta = b.verdict === 'tie' ? '' : ` (${signed(diff)})`;
  return `• *${b.name}* ${formatMetric(b.value)} — ${verdict} the best earlier run, ${formatMetric(b.previous.value)} in ${esc(b.previous.runLabel)}${delta}`;
}

function capped(lines: string[]): string {
  const shown = lines.slice(0, MAX_LINES);
  if (lines.length > MAX_LINES) shown.push(`…and ${lines.length - MAX_LINES} more.`);
  return shown.join('\n');
}

/** What the run stored besides its metrics, as the summary shows it. */
export interface RunDetails {
  note: string | null;
  dataset: string | null;
  /** `url`: the commit's page, when the deployment configures a template. */
  commit: { sha: string; url: string | null } | null;
  /** The run in its tracker (MLflow, W&B): an http(s) URL without spaces, | < or > (RunInput). */
  url?: string | null;
  tags?: Record<string, string>;
}

/** A link's label: the host of the run's tracker. */
const hostOf = (url: string) => (URL.canParse(url) ? new URL(url).host : 'link');
const MAX_TAG_LINES = 20;

const MAX_PARAM_LINES = 10;
/** A param value in a changes line: long values are cut in their raw text so an escape is never split. */
const paramValue = (v: string | null) => (v === null ? '_unset_' : `\`${esc(Array.from(v).length > 80 ? `${Array.from(v).slice(0, 79).join('')}…` : v)}\``);

export function paramChangeLine(c: ParamChange): string {
  return `• *${esc(c.name)}* ${paramValue(c.value)} (best run: ${paramValue(c.best)})`;
}

/** Dataset, commit (linked when configured), the run's page, tags, the params that differ from the best earlier run, and the note. */
export function detailBlocks(d: RunDetails | undefined, paramsVsBest: RunSummary['paramsVsBest']): Block[] {
  const blocks: Block[] = [];
  const facts: string[] = [];
  if (d?.dataset) facts.push(`*Dataset* \`${esc(d.dataset)}\``);
  if (d?.commit) facts.push(`*Commit* ${d.commit.url ? `<${d.commit.url}|\`${d.commit.sha.slice(0, 12)}\`>` : `\`${d.commit.sha.slice(0, 12)}\``}`);
  if (d?.url) facts.push(`*Run page* <${d.url}|${esc(hostOf(d.url))}>`);
  if (facts.length) blocks.push(context(facts.join('  ·  ')));
  const tags = Object.entries(d?.tags ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (tags.length) blocks.push(context(`*Tags* ${tags.slice(0, MAX_TAG_LINES).map(([k, v]) => `${esc(k)}: ${paramValue(v)}`).join('  ·  ')}`));
  if (paramsVsBest) {
    const lines = paramsVsBest.changes.map(paramChangeLine);
    const head = `*Params vs the best earlier run* (${esc(paramsVsBest.runLabel)})`;
    if (!lines.length) blocks.push(section(`${head}\nSame params.`));
    else {
      const shown = lines.slice(0, MAX_PARAM_LINES);
      if (lines.length > MAX_PARAM_LINES) shown.push(`…and ${lines.length - MAX_PARAM_LINES} more.`);
      blocks.push(section(`${head}\n${shown.join('\n')}`));
    }
  }
  if (d?.note) blocks.push(...escapedSectionTexts('', [{ prefix: '*Note* ', raw: d.note }]).map((t) => section(t)));
  return blocks;
}

export interface RunSummaryView {
  details?: RunDetails;
  projectSlug: string;
  projectId: number;
  runId: number;
  /** Who logged it, as shown: a mention, or "the API (token abc…)". */
  loggedBy: string;
  summary: RunSummary;
  /** The deployment-gate button is offered only where that transition exists (from development). */
  canRequestDeploymentGate: boolean;
  narrative?: string | null;
}

/** The run summary: targets met or not and by how much, comparison with the best earlier runs, rank, and the next step. */
export function runSummaryMessage(v: RunSummaryView): { text: string; blocks: Block[] } {
  const s = v.summary;
  const label = esc(s.runLabel);
  const blocks: Block[] = [section(`:test_tube: ${v.loggedBy} logged *${label}* in *${esc(v.projectSlug)}*`)];
  blocks.push(
    section(
      s.targets.length
        ? `*Against the targets*\n${capped(s.targets.map(targetLine))}`
        : '*Against the targets*\nNo targets set: the design brief has no success metrics yet.',
    ),
  );
  blocks.push(section(`*Against the best earlier run*\n${capped(s.vsBest.map(bestLine))}`));
  if (s.rank) blocks.push(context(`Rank *${s.rank.position} of ${s.rank.of}* by *${s.rank.metric}*`));
  blocks.push(...detailBlocks(v.details, s.paramsVsBest));
  if (s.firstToMeetAll) {
    blocks.push(section(':tada: *Every target is met* — the first run to get there.'));
    if (v.canRequestDeploymentGate) {
      blocks.push(actions(`runs_gate_${v.runId}`, [{ text: REQUEST_DEPLOYMENT_GATE_LABEL, actionId: RUNS_IDS.requestDeploymentGate, style: 'primary', value: JSON.stringify({ projectId: v.projectId, runId: v.runId }) }]));
    } else {
      blocks.push(context('A deployment gate can be requested once the project is in the development phase.'));
    }
  }
  if (v.narrative) blocks.push(context(`:robot_face: _Generated by an LLM; the figures above are from the database._ ${esc(v.narrative)}`));
  const targetText = s.targets.length ? s.targets.map((t) => `${t.name} ${t.value === null ? 'not reported' : `${formatMetric(t.value)} (${t.met ? 'met' : 'not met'})`}`).join(', ') : 'no targets set';
  return { text: safeFallback(`${s.runLabel} in ${v.projectSlug}: ${targetText}${s.rank ? `; rank ${s.rank.position} of ${s.rank.of} by ${s.rank.metric}` : ''}`), blocks };
}
