import { desc, eq } from 'drizzle-orm';
import { createProject, type ProjectRow } from '../../src/db/repositories/projects.js';
import { gateBallots, gates, outbox, projects } from '../../src/db/schema/index.js';
import type { StoredMessage } from '../../src/sandbox/emulator/store.js';
import { waitFor } from './clock.js';
import type { Harness } from './harness.js';

export const CHANNEL = 'C0GATES';
export const OWNER = 'U0OWNER';

export async function makeProject(h: Harness, slug: string, opts: { stakeholders?: string[]; phase?: ProjectRow['phase']; channel?: string } = {}): Promise<ProjectRow> {
  const brief = opts.stakeholders ? { problem: 'Tickets are routed by hand.', stakeholders: opts.stakeholders } : null;
  const p = await createProject(h.database.db, { teamId: h.slack.teamId, slug, channelId: opts.channel ?? CHANNEL, ownerId: OWNER, now: h.clock.now(), brief });
  if (!p) throw new Error(`project ${slug} exists`);
  if (opts.phase && opts.phase !== 'design') await h.database.db.update(projects).set({ phase: opts.phase }).where(eq(projects.id, p.id));
  return { ...p, phase: opts.phase ?? p.phase };
}

/** Delivers queued messages: ticks the jobs, stepping the clock past the update throttle, until the outbox is drained. */
export async function settle(h: Harness, rounds = 6): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await h.app.jobs.tick(h.clock.now());
    const pending = await h.database.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'pending'));
    if (pending.length === 0) return;
    h.clock.advance(2000);
  }
}

export function gateMessages(h: Harness, channel = CHANNEL): StoredMessage[] {
  return h.slack.store.channelMessages(channel).filter((m) => m.text.startsWith('Go/no-go'));
}

export function lastGateMessage(h: Harness, channel = CHANNEL): StoredMessage {
  const all = gateMessages(h, channel);
  const m = all[all.length - 1];
  if (!m) throw new Error('no gate message posted');
  return m;
}

export function blockTexts(m: { blocks?: unknown[] }): string {
  return JSON.stringify(m.blocks ?? []);
}

export function buttonLabels(m: { blocks?: unknown[] }): string[] {
  return (m.blocks ?? []).flatMap((b) => ((b as { elements?: { type: string; text?: { text: string } }[] }).elements ?? []).filter((e) => e.type === 'button').map((e) => e.text!.text));
}

export function tallySection(m: { blocks?: unknown[] }): string {
  const b = (m.blocks ?? []).find((x) => (x as { block_id?: string }).block_id === 'tally') as { text: { text: string } } | undefined;
  return b?.text.text ?? '';
}

export async function gateRows(h: Harness) {
  return h.database.db.select().from(gates);
}

export async function ballotRows(h: Harness, gateId: number) {
  return h.database.db.select().from(gateBallots).where(eq(gateBallots.gateId, gateId));
}

export function ephemeralsFor(h: Harness, user: string): string[] {
  return h.slack.store.ephemerals.filter((e) => e.user === user).map((e) => e.text);
}

/** The newest gate (updated rows move in the heap, so order by id). */
export async function latestGate(h: Harness) {
  const [row] = await h.database.db.select().from(gates).orderBy(desc(gates.id)).limit(1);
  return row!;
}

/**
 * Clicks a vote button and waits for the ephemeral answer, which the app sends after the ack and
 * after its follow-up work (message refresh, quorum, early close) — so the vote is fully handled.
 */
export async function vote(h: Harness, user: string, message: StoredMessage, label: 'Go' | 'Abstain' | 'Close now' | 'Cancel gate'): Promise<string> {
  const before = ephemeralsFor(h, user).length;
  const res = label === 'Close now' || label === 'Cancel gate' ? await pickOwnerAction(h, user, message, label) : await h.people.click(user, message, label);
  if (res.status !== 200) throw new Error(`click answered ${res.status}`);
  return waitFor(() => ephemeralsFor(h, user)[before], `${user}'s answer to ${label}`);
}

/** Clicks No-go, waits for the modal, submits the reason; returns the submission's response and the answer. */
export async function voteNoGo(h: Harness, user: string, message: StoredMessage, reason: string): Promise<{ viewId: string; response: unknown; answer: string }> {
  const views = h.slack.store.views.size;
  await h.people.click(user, message, 'No-go');
  const viewId = await waitFor(() => (h.slack.store.views.size > views ? [...h.slack.store.views.keys()].at(-1) : undefined), `${user}'s No-go modal`);
  const before = ephemeralsFor(h, user).length;
  const res = await h.people.submitView(user, viewId, { reason: { reason } });
  const errors = (res.body as { response_action?: string } | undefined)?.response_action === 'errors';
  const answer = errors ? '' : await waitFor(() => ephemeralsFor(h, user)[before], `${user}'s No-go answer`);
  return { viewId, response: res.body, answer };
}

/** The options of the gate message's "⋯" menu, by label. */
export function ownerMenuOptions(m: { blocks?: unknown[] }): string[] {
  return (m.blocks ?? []).flatMap((b) => ((b as { elements?: { type: string; options?: { text: { text: string } }[] }[] }).elements ?? []).filter((e) => e.type === 'overflow').flatMap((e) => e.options!.map((o) => o.text.text)));
}

/** Picks Close now or Cancel gate in the gate message's "⋯" menu, as Slack sends it (block, action id and the option's value). */
export async function pickOwnerAction(h: Harness, user: string, message: StoredMessage, label: 'Close now' | 'Cancel gate', people: Pick<Harness['people'], 'act'> = h.people) {
  for (const b of message.blocks ?? []) {
    const elements = ((b as { elements?: { type: string; action_id: string; options?: { text: { text: string }; value: string }[] }[] }).elements ?? []);
    for (const e of elements) {
      const option = e.type === 'overflow' ? e.options?.find((o) => o.text.text === label) : undefined;
      if (option) return people.act(user, { kind: 'message', message }, { blockId: String((b as { block_id?: string }).block_id), actionId: e.action_id, selectedValue: option.value });
    }
  }
  throw new Error(`no "${label}" in the gate message's menu`);
}
