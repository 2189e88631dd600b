import type { ModalView } from '@slack/types';
import { formatDuration } from '../domain/gates/deadline.js';
import { ANSWER_LABELS, VERDICT_LABELS, VIABILITY_ANSWERS, type ViabilityAnswer, type ViabilityVerdict } from '../domain/viability/answers.js';
import type { EscalationReason } from '../domain/viability/escalation.js';
import type { CheckinSummary } from '../domain/viability/summary.js';
import { type TrendPoint, trendSymbols } from '../domain/viability/trend.js';
import { answerActionId, VIABILITY_IDS } from './ids/viability.js';
import { actions, type Block, type ButtonSpec, context, divider, esc, escapedSectionTexts, header, mention, section, SECTION_TEXT_MAX, slackDate, utcText } from './blocks.js';

export const CHECKIN_QUESTION = 'Is the project still viable? Is it delivering value?';
/** Room for the header, question, tally, buttons and footer within Slack's 50 blocks. */
const MAX_SIGNAL_BLOCKS = 40;

export type Counts = Record<ViabilityAnswer, number>;

export interface CheckinMessageData {
  slug: string;
  checkinId: number;
  closesAt: Date;
  /** Facts computed here: time in the current phase, the last check-in's result. */
  facts: string[];
  /** Sections other features contribute (runs, gates, drift) for the 'viability' purpose. */
  signals: Block[];
  counts: Counts;
  /** Whom it asks (mentioned at the top; "Waiting on" lists those who have not answered). */
  askees: string[];
  /** The project's previous closed check-ins, oldest first (at most TREND_LENGTH). */
  trend: TrendPoint[];
}

/** Who has answered so far, and whom the check-in still waits on. */
export interface Respondents {
  askees: readonly string[];
  /** Everyone who answered, in the order they first did (the owner may answer unasked). */
  answered: readonly string[];
}

/** Names in a line are cut here: a long list says "and N more" instead of filling the message. */
const MAX_NAMES = 30;
const names = (ids: readonly string[]) => {
  const shown = ids.slice(0, MAX_NAMES).map(mention).join(', ');
  return ids.length > MAX_NAMES ? `${shown} and ${ids.length - MAX_NAMES} more` : shown;
};

/**
 * "Answered: @Chen, @Dana · Waiting on: @Emil" — who answered, never what (the tally counts by
 * answer). After the close the waiting become "No answer from".
 */
export function respondentsText(r: Respondents, closed = false): string {
  const done = new Set(r.answered);
  const waiting = r.askees.filter((u) => !done.has(u));
  const parts = [
    ...(r.answered.length ? [`Answered: ${names(r.answered)}`] : []),
    ...(waiting.length ? [`${closed ? 'No answer from' : 'Waiting on'}: ${names(waiting)}`] : []),
  ];
  return parts.join(' · ');
}

function tallyBlock(counts: Counts, who: Respondents, closed = false): Block {
  const line = respondentsText(who, closed);
  return section(`${tallyText(counts)}${line ? `\n${line}` : ''}`, VIABILITY_IDS.tallyBlock);
}

const ordinal = (n: number) => {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
};

/**
 * "Last 5: 🟢 🟢 🟡 🔴 🟢", oldest first, with each check-in's date beside it for readers (and
 * screen readers) the colours alone do not tell; nothing when the project has no closed check-in.
 */
export function trendBlocks(points: readonly TrendPoint[]): Block[] {
  if (points.length === 0) return [];
  const dated = points.map((p) => `${slackDate(p.closedAt, '{date_short}')} ${VERDICT_LABELS[p.verdict]}`).join(' · ');
  return [{ type: 'context', block_id: VIABILITY_IDS.trendBlock, elements: [{ type: 'mrkdwn', text: `*Last ${points.length}:* ${trendSymbols(points)}` }, { type: 'mrkdwn', text: dated }] }];
}

export function tallyText(counts: Counts): string {
  const total = VIABILITY_ANSWERS.reduce((n, a) => n + counts[a], 0);
  return `*Answers so far (${total}):* ${VIABILITY_ANSWERS.map((a) => `${ANSWER_LABELS[a]} ${counts[a]}`).join(' · ')}`;
}

/** On track, At risk, Not viable: the check-in's answer buttons, and the App Home's for the same check-in. */
export function answerButtons(checkinId: number): ButtonSpec[] {
  return [
    { text: ANSWER_LABELS.on_track, actionId: answerActionId('on_track'), value: String(checkinId), style: 'primary' },
    { text: ANSWER_LABELS.at_risk, actionId: answerActionId('at_risk'), value: String(checkinId) },
    { text: ANSWER_LABELS.not_viable, actionId: answerActionId('not_viable'), value: String(checkinId), style: 'danger' },
  ];
}

/** The check-in posted into the project channel. */
export function checkinMessage(d: CheckinMessageData): { text: string; blocks: Block[] } {
  const signals = d.signals.slice(0, MAX_SIGNAL_BLOCKS);
  return {
    text: `Viability check-in for ${esc(d.slug)}: ${CHECKIN_QUESTION}`,
    blocks: [
      header(`Viability check-in — ${d.slug}`),
      // Mentions in a section notify: the people asked are called by name, as a person would.
      ...(d.askees.length ? [section(`${d.askees.map(mention).join(' ')} — is *${esc(d.slug)}* still worth it?`)] : []),
      section(`*${CHECKIN_QUESTION}*`),
      ...(d.facts.length ? [section(d.facts.map((f) => `• ${f}`).join('\n'))] : []),
      ...trendBlocks(d.trend),
      ...signals,
      divider(),
      tallyBlock(d.counts, { askees: d.askees, answered: [] }),
      actions(VIABILITY_IDS.actionsBlock, [...answerButtons(d.checkinId), { text: 'Add comment', actionId: VIABILITY_IDS.comment, value: String(d.checkinId) }]),
      context(`One answer per person; you can change yours until answers close ${slackDate(d.closesAt)}.`),
    ],
  };
}

/**
 * The posted check-in with a fresh tally; once closed, without the buttons and with the verdict.
 * Works on the blocks as posted, so the signals shown at posting time stay as they were.
 */
export function withTally(blocks: Block[], counts: Counts, who: Respondents, closed?: { verdict: ViabilityVerdict; at: Date; silentRun?: number }): Block[] {
  const out: Block[] = [];
  for (const b of blocks) {
    if (b.block_id === VIABILITY_IDS.tallyBlock) out.push(tallyBlock(counts, who, Boolean(closed)));
    else if (closed && b.block_id === VIABILITY_IDS.actionsBlock) continue;
    else if (closed && b.type === 'context' && b === blocks[blocks.length - 1]) continue;
    else out.push(b);
  }
  if (closed) out.push(context(closedLine(closed)));
  return out;
}

/**
 * The closed check-in's last line. A silent check-in after another silent one says so here and
 * gets no summary reply (see skipsSummary): a quiet channel is not told "Nobody answered" again
 * and again.
 */
function closedLine(c: { verdict: ViabilityVerdict; at: Date; silentRun?: number }): string {
  if (skipsSummary(c.verdict, c.silentRun ?? 0)) return `Closed ${slackDate(c.at)} · No answers (${ordinal(c.silentRun!)} silent check-in in a row).`;
  return `Closed ${slackDate(c.at)} · result: *${VERDICT_LABELS[c.verdict]}* — the summary is in the thread.`;
}

/** A silent check-in that follows a silent one posts no summary reply; its message says it instead. */
export function skipsSummary(verdict: ViabilityVerdict, silentRun: number): boolean {
  return verdict === 'no_responses' && silentRun >= 2;
}

/** Facts about the project's own history, shown with the question. */
export function phaseFact(phase: string, since: Date, now: Date): string {
  return `In the *${phase}* phase for ${formatDuration(now.getTime() - since.getTime())} (since ${slackDate(since, '{date_short}')})`;
}

export function lastCheckinFact(verdict: ViabilityVerdict, counts: Counts | null, at: Date): string {
  return `Last check-in ${slackDate(at, '{date_short}')}: *${VERDICT_LABELS[verdict]}*${counts ? ` (${VIABILITY_ANSWERS.map((a) => `${ANSWER_LABELS[a]} ${counts[a]}`).join(', ')})` : ''}`;
}

/** At most this many comments are quoted in the summary; the rest are counted. */
const MAX_COMMENTS = 20;
const MAX_BLOCKS = 50;

/** The comments as section texts (see escapedSectionTexts): nothing clipped, no escape cut in half. */
export function commentSectionTexts(comments: { userId: string; answer: ViabilityAnswer; comment: string }[], heading = '*Comments*'): string[] {
  return escapedSectionTexts(
    heading,
    comments.map((c) => ({ prefix: `• ${mention(c.userId)} (${ANSWER_LABELS[c.answer]}): `, raw: c.comment })),
    SECTION_TEXT_MAX,
  );
}

/**
 * The thread replies when answers close: the counts, the comments (in as many sections, and if
 * need be as many follow-up messages, as they take: Slack allows 3000 characters a section and 50
 * blocks a message) and an LLM `synthesis`, labelled as generated. Usually one message.
 */
export function summaryMessages(d: { slug: string; summary: CheckinSummary; synthesis?: string | null; trend?: readonly TrendPoint[] }): { text: string; blocks: Block[] }[] {
  const { summary } = d;
  const counts = VIABILITY_ANSWERS.map((a) => `${ANSWER_LABELS[a]}: *${summary.counts[a]}*`).join('   ');
  const head = section(`*Check-in closed — result: ${VERDICT_LABELS[summary.verdict]}*\n${summary.total === 0 ? 'Nobody answered this check-in.' : `${summary.total} answer${summary.total === 1 ? '' : 's'}. ${counts}`}`);
  const quoted = summary.comments.slice(0, MAX_COMMENTS);
  const tail: Block[] = [];
  if (summary.comments.length > MAX_COMMENTS) tail.push(context(`…and ${summary.comments.length - MAX_COMMENTS} more comments.`));
  if (d.synthesis) tail.push(section(`*Synthesis* _(generated by an LLM from the comments; the counts above are exact)_\n${esc(d.synthesis)}`), context(':robot_face: Generated text — check it against the comments.'));

  const messages: Block[][] = [[head, ...trendBlocks(d.trend ?? [])]];
  for (const text of quoted.length ? commentSectionTexts(quoted) : []) {
    if (messages.at(-1)!.length >= MAX_BLOCKS) messages.push([]);
    messages.at(-1)!.push(section(text));
  }
  if (messages.at(-1)!.length + tail.length > MAX_BLOCKS) messages.push([]);
  messages.at(-1)!.push(...tail);

  const slug = esc(d.slug);
  return messages.map((blocks, i) => ({
    text: i === 0 ? `Viability check-in for ${slug} closed: ${VERDICT_LABELS[summary.verdict]} (${summary.total} answers)` : `Viability check-in for ${slug}: comments, continued (${i + 1}/${messages.length})`,
    blocks,
  }));
}

const REASONS: Record<EscalationReason, string> = {
  not_viable_majority: 'A majority answered *Not viable*.',
  at_risk_twice: 'This is the second check-in in a row that came out *At risk* or worse.',
};

/** The proposal posted in the thread when a check-in escalates. */
export function escalationMessage(d: { slug: string; reason: EscalationReason; checkinId: number }): { text: string; blocks: Block[] } {
  return {
    text: `Proposal: decide whether to continue or stop ${esc(d.slug)}`,
    blocks: [
      section(`:rotating_light: *Proposal: decide whether to continue or stop ${esc(d.slug)}.* ${REASONS[d.reason]}`),
      actions(VIABILITY_IDS.escalateBlock, [{ text: 'Open continue/stop gate', actionId: VIABILITY_IDS.escalate, value: String(d.checkinId), style: 'danger' }]),
      context('The gate asks the stakeholders to vote; GO retires the project, NO-GO keeps it going.'),
    ],
  };
}

export function escalationReasonText(reason: EscalationReason): string {
  return REASONS[reason].replace(/\*/g, '');
}

/** The comment modal, prefilled with the person's current answer and comment. */
export function commentModal(d: { slug: string; checkinId: number; answer?: ViabilityAnswer; comment?: string | null }): ModalView {
  const option = (a: ViabilityAnswer) => ({ text: { type: 'plain_text' as const, text: ANSWER_LABELS[a] }, value: a });
  return {
    type: 'modal',
    callback_id: VIABILITY_IDS.commentView,
    private_metadata: JSON.stringify({ checkinId: d.checkinId }),
    title: { type: 'plain_text', text: 'Viability check-in' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(`*${CHECKIN_QUESTION}*\nProject *${esc(d.slug)}*`),
      {
        type: 'input',
        block_id: VIABILITY_IDS.answerInput,
        label: { type: 'plain_text', text: 'Your answer' },
        element: { type: 'radio_buttons', action_id: VIABILITY_IDS.answerInput, options: VIABILITY_ANSWERS.map(option), ...(d.answer ? { initial_option: option(d.answer) } : {}) },
      },
      {
        type: 'input',
        block_id: VIABILITY_IDS.commentInput,
        optional: true,
        label: { type: 'plain_text', text: 'Comment' },
        element: { type: 'plain_text_input', action_id: VIABILITY_IDS.commentInput, multiline: true, max_length: 2000, ...(d.comment ? { initial_value: d.comment } : {}) },
      },
    ],
  };
}

export function answeredText(answer: ViabilityAnswer, closesAt: Date): string {
  return `You answered *${ANSWER_LABELS[answer]}*. You can change it until ${slackDate(closesAt)}.`;
}

export function closedText(closesAt: Date): string {
  return `This check-in closed ${slackDate(closesAt)}; it no longer takes answers.`;
}

/** Modal errors are plain text: no Slack date formatting there. */
export function closedPlainText(closesAt: Date): string {
  return `This check-in closed at ${utcText(closesAt)}; it no longer takes answers.`;
}

export function windowText(ms: number): string {
  return formatDuration(ms);
}

/**
 * The check-in as a direct message to one person asked (`--ask dm`), or the reminder before the
 * window closes to one who has not answered: the same answer buttons (an answer here counts as one
 * on the channel message, whose tally updates) and a link to the channel message.
 */
export function checkinDmMessage(d: { slug: string; checkinId: number; closesAt: Date; channelId: string; permalink: string | null; reminder: boolean }): { text: string; blocks: Block[] } {
  const where = d.permalink ? `<${d.permalink}|the check-in> in <#${d.channelId}>` : `the check-in in <#${d.channelId}>`;
  const slug = esc(d.slug);
  const lead = d.reminder
    ? `:alarm_clock: Answers to the viability check-in of *${slug}* close ${slackDate(d.closesAt)}, and yours is missing.`
    : `:wave: The viability check-in of *${slug}* is asking for your answer, until ${slackDate(d.closesAt)}.`;
  return {
    text: d.reminder ? `Reminder: the viability check-in of ${slug} closes ${slackDate(d.closesAt)}. Answer here, or on ${where}.` : `Viability check-in for ${slug}: ${CHECKIN_QUESTION}`,
    blocks: [
      section(lead),
      section(`*${CHECKIN_QUESTION}*`),
      actions(VIABILITY_IDS.dmActionsBlock, answerButtons(d.checkinId)),
      context(`The signals, the comments and the live tally are on ${where}. An answer here counts the same as one there; you can change it until answers close.`),
    ],
  };
}
