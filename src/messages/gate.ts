import type { Button, ModalView, Overflow } from '@slack/types';
import type { Phase } from '../domain/lifecycle.js';
import type { GateOutcome } from '../shared/enums.js';
import type { Outcome, Tally, Vote } from '../domain/gates/rules.js';
import { MAX_REASON_CHARS } from '../domain/gates/vote-check.js';
import { type Block, context, divider, esc, escapedSectionTexts, fields, header, mention, section, slackDate, type TextLine } from './blocks.js';
import { GATE_OWNER_MENU_ACTION, NOGO_CALLBACK, NOGO_REASON_ACTION, NOGO_REASON_BLOCK, ownerMenuValue, voteActionId } from './ids/gate.js';

export const OUTCOME_LABEL: Record<Outcome, string> = { go: 'GO', no_go: 'NO-GO', no_quorum: 'NO QUORUM' };
/** How a closed gate is named in one line: its outcome, or that it decided nothing. */
const CLOSED_LABEL: Record<GateOutcome, string> = { ...OUTCOME_LABEL, superseded: 'NO DECISION, superseded' };
const OUTCOME_EMOJI: Record<Outcome, string> = { go: ':white_check_mark:', no_go: ':no_entry:', no_quorum: ':hourglass:' };
export const VOTE_LABEL: Record<Vote, string> = { go: 'Go', no_go: 'No-go', abstain: 'Abstain' };
/** A gate message keeps room for its own blocks; evidence beyond this is cut (Slack allows 50). */
export const MAX_EVIDENCE_BLOCKS = 30;

export interface GateView {
  gateId: number;
  slug: string;
  fromPhase: Phase;
  toPhase: Phase;
  question: string;
  reason: string | null;
  openedBy: string;
  voters: string[];
  quorum: number;
  deadline: Date;
  anonymous: boolean;
  /** The Go / No-go / Abstain counts are hidden until close (how many voted is shown). */
  hideResults?: boolean;
  status: 'open' | 'closed' | 'cancelled';
  outcome: GateOutcome | null;
  tally: Tally;
  /** Who has voted; null while an anonymous gate is open (names hidden until close). */
  voted: string[] | null;
  evidence: Block[];
  openedAt: Date;
  closedAt: Date | null;
  phaseChanged: boolean | null;
  /** Links to the messages behind the evidence, where they were posted; none in a plain render. */
  links?: EvidenceLinks;
}

/** Permalinks of the Design brief message and of the latest run summary (with the leaderboard) as of the gate's opening. */
export interface EvidenceLinks {
  brief: string | null;
  runs: string | null;
}

/** The line under the evidence: links to the brief and the runs where those messages exist, else where to find them. */
function evidenceLinksLine(slug: string, links: EvidenceLinks | undefined): string {
  const brief = links?.brief ? `<${links.brief}|Design brief>` : `The design brief: \`/mlops status ${slug}\``;
  const runs = links?.runs ? ` · <${links.runs}|Latest run and leaderboard>` : '';
  return `${brief}${runs}`;
}

/** Mentions joined with ", ", cut to fit a section, with "and N more". */
export function mentionList(ids: readonly string[], maxChars = 2600): string {
  if (ids.length === 0) return '—';
  const out: string[] = [];
  let used = 0;
  for (const [i, id] of ids.entries()) {
    const m = mention(id);
    if (used + m.length + 2 > maxChars) return `${out.join(', ')} and ${ids.length - i} more`;
    out.push(m);
    used += m.length + 2;
  }
  return out.join(', ');
}

export const transitionText = (from: Phase, to: Phase) => `${from} → ${to}`;

export function tallyLine(t: Tally): string {
  return `*Go:* ${t.go}   *No-go:* ${t.noGo}   *Abstain:* ${t.abstain}`;
}

function statusLine(v: GateView): string {
  if (v.status === 'cancelled') return `:heavy_multiplication_x: *Cancelled*${v.closedAt ? ` ${slackDate(v.closedAt)}` : ''}; the project stays in ${v.fromPhase}.`;
  if (v.status === 'closed' && v.outcome) {
    if (v.outcome === 'superseded') {
      return `:fast_forward: *Closed without a decision* — the project left *${v.fromPhase}* before this vote closed, so its question no longer applies (the thread says what moved it).`;
    }
    const effect =
      v.outcome === 'go' ? (v.phaseChanged === false ? `the project had already left ${v.fromPhase}, so its phase was not changed` : `the project moved to *${v.toPhase}*`) : `the project stays in *${v.fromPhase}*`;
    return `${OUTCOME_EMOJI[v.outcome]} *Closed: ${OUTCOME_LABEL[v.outcome]}* — ${effect}.`;
  }
  return `:ballot_box_with_ballot: *Open* until ${slackDate(v.deadline)}`;
}

/**
 * The gate message, in the order a voter needs it: the question, whether it is open and until when
 * (the deadline, once), the live tally and the buttons; then how this vote works and who votes;
 * then the evidence, short, with links to the messages behind it. The owner's Close now and Cancel
 * gate sit in a "⋯" menu everyone sees; anyone else who picks one is told who may.
 */
export function gateMessage(v: GateView): { text: string; blocks: Block[] } {
  const open = v.status === 'open';
  const t = v.tally;
  const quorumNote = t.total >= v.quorum ? 'quorum reached' : `quorum ${v.quorum}`;
  const evidence = v.evidence.slice(0, MAX_EVIDENCE_BLOCKS);
  let votedText: string;
  if (v.voted === null) votedText = `*Voted:* ${t.total} of ${v.voters.length} — names are shown after close, and who voted what never is.`;
  else votedText = `*Voted (${v.voted.length} of ${v.voters.length}):* ${mentionList(v.voted)}`;
  const hidden = open && v.hideResults === true;
  const counts = hidden ? `*${t.total} of ${v.voters.length} voted* (${quorumNote}) — the counts are shown when the gate closes` : `${tallyLine(t)}   (${t.total} of ${v.voters.length} voted, ${quorumNote})`;
  const blocks: Block[] = [
    header(`Go/no-go: ${v.slug} ${transitionText(v.fromPhase, v.toPhase)}`),
    section(`*${esc(v.question)}*`),
    ...(v.reason ? [context(`Requested because: ${esc(v.reason)}`)] : []),
    section(`${statusLine(v)}\n${counts}`, 'tally'),
  ];
  if (open) blocks.push({ type: 'actions', block_id: `gate-${v.gateId}`, elements: [...voteButtons(v.gateId), ownerMenu(v.gateId)] });
  blocks.push(
    fields([
      `*Quorum*\n${v.quorum} of ${v.voters.length} voters`,
      v.anonymous ? '*Anonymous votes*\nCounts only; names after close' : '*Named votes*\nEveryone sees who voted what',
    ]),
    section(`*Voters:* ${mentionList(v.voters)}`, 'voters'),
    section(votedText, 'voted'),
    divider(),
    ...(evidence.length ? [context(`*Evidence* as of ${slackDate(v.openedAt)}`), ...evidence] : [context('No evidence sections are available for this project yet.')]),
    ...(v.evidence.length > evidence.length ? [context(`…${v.evidence.length - evidence.length} more evidence blocks; \`/mlops status ${v.slug}\` shows them all.`)] : []),
    context(evidenceLinksLine(v.slug, v.links)),
    context(`Opened by ${mention(v.openedBy)} · one ballot per voter, changeable until close · only the project owner can close early or cancel (⋯)`),
  );
  // The fallback text is what notifications show, and it is mrkdwn too: a typed <!here> must not ping.
  const textCounts = hidden ? `${t.total} of ${v.voters.length} voted` : `Go ${t.go}, No-go ${t.noGo}, Abstain ${t.abstain}`;
  const text = `Go/no-go for ${v.slug} (${transitionText(v.fromPhase, v.toPhase)}): ${esc(v.question)} — ${textCounts}${open ? '' : v.status === 'cancelled' ? ' (cancelled)' : v.outcome ? ` (closed: ${CLOSED_LABEL[v.outcome]})` : ''}`;
  return { text, blocks };
}

/** Close now and Cancel gate, in one "⋯" menu; the confirm covers both (Slack asks before sending the pick). */
function ownerMenu(gateId: number): Overflow {
  const option = (text: string, what: 'close' | 'cancel') => ({ text: { type: 'plain_text' as const, text, emoji: true }, value: ownerMenuValue(what, gateId) });
  return {
    type: 'overflow',
    action_id: GATE_OWNER_MENU_ACTION,
    options: [option('Close now', 'close'), option('Cancel gate', 'cancel')],
    confirm: {
      title: { type: 'plain_text', text: 'Change this gate?' },
      text: { type: 'mrkdwn', text: '*Close now* decides the outcome with the ballots cast so far. *Cancel gate* records no outcome; the project stays where it is. Only the project owner can do either.' },
      confirm: { type: 'plain_text', text: 'Yes' },
      deny: { type: 'plain_text', text: 'No' },
    },
  };
}

/** Go, No-go, Abstain: the gate message's buttons, and the App Home's for the same gate (one listener takes both). */
export function voteButtons(gateId: number): Button[] {
  return [voteButton('Go', voteActionId('go'), gateId, 'primary'), voteButton('No-go', voteActionId('no_go'), gateId, 'danger'), voteButton('Abstain', voteActionId('abstain'), gateId)];
}

function voteButton(text: string, actionId: string, gateId: number, style?: 'primary' | 'danger'): Button {
  return { type: 'button', text: { type: 'plain_text', text, emoji: true }, action_id: actionId, value: String(gateId), ...(style ? { style } : {}) };
}

export interface GateResult {
  slug: string;
  fromPhase: Phase;
  toPhase: Phase;
  outcome: Outcome;
  tally: Tally;
  quorum: number;
  anonymous: boolean;
  phaseChanged: boolean | null;
  /** Named gates: every ballot. */
  ballots: { voter: string; vote: Vote; reason: string | null }[] | null;
  /** Anonymous gates: the No-go reasons, without names. */
  reasons: string[];
  /** Who voted (anonymous: participation only) and who did not. */
  voted: string[];
  notVoted: string[];
  closedBy: 'deadline' | 'all_voted' | 'owner';
}

const CLOSED_BY: Record<GateResult['closedBy'], string> = { deadline: 'the deadline passed', all_voted: 'every eligible voter voted', owner: 'the project owner closed it early' };

/** The thread reply at close: outcome, why, the votes (or only counts when anonymous) and the No-go reasons. */
export function gateResultMessage(r: GateResult): { text: string; blocks: Block[] } {
  const t = r.tally;
  const head = `${OUTCOME_EMOJI[r.outcome]} *${OUTCOME_LABEL[r.outcome]}* for ${esc(r.slug)} ${transitionText(r.fromPhase, r.toPhase)} — closed because ${CLOSED_BY[r.closedBy]}.`;
  let effect: string;
  if (r.outcome === 'go') effect = r.phaseChanged === false ? `The project had already left ${r.fromPhase}; its phase was not changed.` : `The project is now in *${r.toPhase}*.`;
  else if (r.outcome === 'no_go') effect = `More No-go than Go among those who did not abstain (a tie is NO-GO): the project stays in *${r.fromPhase}*.`;
  else effect = `Only ${t.total} of the ${r.quorum} votes needed were cast: the project stays in *${r.fromPhase}*.`;
  const blocks: Block[] = [section(head), section(`${tallyLine(t)}   (${t.total} voted, quorum ${r.quorum})\n${effect}`)];
  const reasonLines: TextLine[] = [];
  if (r.ballots) {
    const by = (v: Vote) => r.ballots!.filter((b) => b.vote === v).map((b) => b.voter);
    blocks.push(section(`*Go:* ${mentionList(by('go'), 900)}\n*No-go:* ${mentionList(by('no_go'), 900)}\n*Abstain:* ${mentionList(by('abstain'), 900)}`));
    for (const b of r.ballots) if (b.vote === 'no_go' && b.reason) reasonLines.push({ prefix: `• ${mention(b.voter)}: `, raw: b.reason });
  } else {
    blocks.push(section(`*Voted (anonymous — who voted what is not recorded):* ${mentionList(r.voted, 2000)}`));
    for (const reason of r.reasons) reasonLines.push({ prefix: '• ', raw: reason });
  }
  const reasonBlocks = reasonLines.length ? escapedSectionTexts('*No-go reasons*', reasonLines, REASON_SECTION_CHARS).map((t) => section(t)) : [];
  const tail = r.notVoted.length ? [context(`Did not vote: ${mentionList(r.notVoted, 2000)}`)] : [];
  const room = MAX_MESSAGE_BLOCKS - blocks.length - tail.length;
  if (reasonBlocks.length > room) {
    // Only with dozens of long reasons (Slack allows 50 blocks); say so rather than drop them silently.
    blocks.push(...reasonBlocks.slice(0, room - 1), context(`…${reasonBlocks.length - room + 1} more sections of No-go reasons did not fit in this message.`));
  } else blocks.push(...reasonBlocks);
  blocks.push(...tail);
  // Escaped like the blocks: the fallback text is what notifications show, and a reason of <!here> must not ping.
  const reasonsText = r.ballots ? r.ballots.filter((b) => b.vote === 'no_go' && b.reason).map((b) => `${mention(b.voter)}: ${esc(b.reason!)}`) : r.reasons.map(esc);
  const text = `${OUTCOME_LABEL[r.outcome]} for ${r.slug} ${transitionText(r.fromPhase, r.toPhase)}: Go ${t.go}, No-go ${t.noGo}, Abstain ${t.abstain}.${reasonsText.length ? ` No-go reasons: ${reasonsText.join(' | ')}` : ''}`;
  return { text: cutEscaped(text, 3900), blocks };
}

const MAX_MESSAGE_BLOCKS = 50;
/** Below Slack's 3,000 so a section never reaches clip(), which would cut a reason silently. */
export const REASON_SECTION_CHARS = 2900;

/** A reason line: mrkdwn prefix (bullet, mention) and the reason as the voter typed it. */
/**
 * Cuts mrkdwn without leaving half an entity (`&am`), half a mention (`<@U0A`) or half an emoji
 * at the end, which Slack would show as is.
 */
function cutEscaped(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '').replace(/(&[a-z]*|<[^>]*)$/, '')}…`;
}

export function gateCancelledReply(slug: string, by: string): { text: string; blocks: Block[] } {
  const text = `The gate for ${slug} was cancelled by <@${by}>; no outcome was recorded.`;
  return { text, blocks: [section(`:heavy_multiplication_x: ${esc(text)}`)] };
}

/** Why a gate was superseded: the phase move that made its question moot, or (found at close) where the project is now. */
export type SupersededCause =
  | { kind: 'moved'; from: Phase; to: Phase; via: 'gate' }
  | { kind: 'moved'; from: Phase; to: Phase; via: 'override'; actorId: string }
  | { kind: 'elsewhere'; phase: Phase };

/** The thread reply of a gate closed without a decision: what moved the project, and what this gate had asked. */
export function gateSupersededReply(n: { slug: string; fromPhase: Phase; toPhase: Phase; cause: SupersededCause }): { text: string; blocks: Block[] } {
  const c = n.cause;
  let what: string;
  if (c.kind === 'elsewhere') what = `${esc(n.slug)} is in ${c.phase} now, no longer in ${n.fromPhase}`;
  else if (c.via === 'gate') what = `${esc(n.slug)} moved from ${c.from} to ${c.to} by a GO on its ${transitionText(c.from, c.to)} gate`;
  else what = `${esc(n.slug)} moved from ${c.from} to ${c.to} by ${mention(c.actorId)}'s owner override`;
  const text = `Closed without a decision: ${what}; this gate asked about ${transitionText(n.fromPhase, n.toPhase)}. Its ballots are kept for the record but decide nothing; open a new gate if the question still stands.`;
  return { text, blocks: [section(`:fast_forward: ${text}`)] };
}

export function quorumReachedReply(voted: number, quorum: number, voters: number): { text: string } {
  return { text: `:ballot_box_with_ballot: Quorum reached: ${voted} of ${voters} voters have voted (quorum ${quorum}). Ballots can still change until the gate closes.` };
}

/**
 * The reminder DM: the question and the vote buttons right there (the same action ids and values as
 * the gate message, so a click here counts exactly like one there), and a link to the gate message
 * for the evidence and the tally. No link when Slack could not give one yet; the channel is named then.
 */
export function reminderMessage(v: { gateId: number; slug: string; fromPhase: Phase; toPhase: Phase; question: string; deadline: Date; channelId: string; permalink: string | null }): {
  text: string;
  blocks: Block[];
} {
  const where = v.permalink ? `<${v.permalink}|the gate message>` : `the gate message in <#${v.channelId}>`;
  const text = `Reminder: your vote on the ${v.slug} gate (${transitionText(v.fromPhase, v.toPhase)}) closes ${slackDate(v.deadline)}. Vote here, or on ${where}.`;
  return {
    text,
    blocks: [
      section(`:alarm_clock: Your vote on the *${esc(v.slug)}* gate (${transitionText(v.fromPhase, v.toPhase)}) closes ${slackDate(v.deadline)}.`),
      section(`*${esc(v.question)}*`),
      { type: 'actions', block_id: `gate-${v.gateId}`, elements: voteButtons(v.gateId) },
      context(`The evidence, the voters and the live tally are on ${where}. A vote here counts the same as one there, and you can change it until the gate closes.`),
    ],
  };
}

export function voteConfirmation(vote: Vote, result: 'cast' | 'changed' | 'unchanged', anonymous: boolean): string {
  const what = result === 'unchanged' ? `Your vote is already *${VOTE_LABEL[vote]}*.` : result === 'changed' ? `Your vote is now *${VOTE_LABEL[vote]}*.` : `You voted *${VOTE_LABEL[vote]}*.`;
  return `${what} You can change it until the gate closes.${anonymous ? ' This gate is anonymous: nobody can see who voted what.' : ''}`;
}

/** The No-go modal: a required reason, so the team knows what would have to change. */
export function noGoModal(meta: { gateId: number; channelId: string; fromHome?: boolean; question: string; initialReason?: string }): ModalView {
  return {
    type: 'modal',
    callback_id: NOGO_CALLBACK,
    private_metadata: JSON.stringify({ gateId: meta.gateId, channelId: meta.channelId, ...(meta.fromHome ? { fromHome: true } : {}) }),
    title: { type: 'plain_text', text: 'Vote No-go' },
    submit: { type: 'plain_text', text: 'Vote No-go' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      section(`*${esc(meta.question)}*`),
      {
        type: 'input',
        block_id: NOGO_REASON_BLOCK,
        label: { type: 'plain_text', text: 'Why No-go?' },
        hint: { type: 'plain_text', text: 'Required. Say what would have to change; it is shown in the result.' },
        element: {
          type: 'plain_text_input',
          action_id: NOGO_REASON_ACTION,
          multiline: true,
          max_length: MAX_REASON_CHARS,
          ...(meta.initialReason ? { initial_value: meta.initialReason } : {}),
        },
      },
    ],
  };
}

export interface GateSummary {
  fromPhase: Phase;
  toPhase: Phase;
  deadline: Date;
  voted: number;
  voters: number;
  quorum: number;
  anonymous: boolean;
}

/** The status section: open gates with their progress. */
export function openGatesSection(gates: GateSummary[]): Block[] {
  if (gates.length === 0) return [section('*Open gates:* none')];
  const lines = gates.map((g) => `• ${transitionText(g.fromPhase, g.toPhase)} — ${g.voted} of ${g.voters} voted (quorum ${g.quorum})${g.anonymous ? ', anonymous' : ''}, closes ${slackDate(g.deadline)}`);
  return [section(`*Open gates*\n${lines.join('\n')}`)];
}

export function lastGateSection(g: { fromPhase: Phase; toPhase: Phase; outcome: GateOutcome; closedAt: Date; tally: Tally }): Block[] {
  return [context(`Last gate: ${transitionText(g.fromPhase, g.toPhase)} closed ${slackDate(g.closedAt, '{date_short}')} with *${CLOSED_LABEL[g.outcome]}* (Go ${g.tally.go}, No-go ${g.tally.noGo}, Abstain ${g.tally.abstain})`)];
}

export function gateOpenedReply(g: { slug: string; channelId: string; fromPhase: Phase; toPhase: Phase; voters: number; quorum: number; deadline: Date; anonymous: boolean }): { text: string; blocks: Block[] } {
  const text = `Opened a go/no-go gate for ${g.slug} (${transitionText(g.fromPhase, g.toPhase)}) in <#${g.channelId}>: ${g.voters} voter${g.voters === 1 ? '' : 's'}, quorum ${g.quorum}, closes ${slackDate(g.deadline)}${g.anonymous ? ', anonymous' : ''}.`;
  return { text, blocks: [section(`:ballot_box_with_ballot: ${text}`)] };
}
