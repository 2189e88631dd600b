import { SPEC_KEYWORD, hasTextChunk } from '../../charts/png-text.js';
import type { Block, StoredMessage } from '../emulator/store.js';
import type { SlackWebApiEmulator } from '../emulator/web-api.js';
import { SANDBOX_CHANNELS, SANDBOX_PEOPLE } from '../roster.js';

/** One message as the page shows it: files become links to their bytes, thread roots carry a reply count. */
export interface PageMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  user?: string;
  fromApp: boolean;
  text: string;
  blocks?: Block[];
  /** `spec`: where the Vega-Lite spec of a chart is, when its PNG carries one (drawn interactively). */
  files: { id: string; name: string; title?: string; url: string; spec?: string }[];
  edited: boolean;
  replyCount: number;
}

/**
 * What one person sees of the workspace: every channel's messages, but only their own ephemerals,
 * their own open modal and their own App Home — as Slack shows each person only theirs.
 */
export function workspaceAs(api: SlackWebApiEmulator, as: string) {
  const { store } = api;
  const dm = `D${as.slice(1)}`;
  // A channel the app posted in that the cast does not list (an id a test or a person typed) still shows.
  const extra = [...new Set(store.messages.map((m) => m.channel))].filter((c) => c.startsWith('C') && !SANDBOX_CHANNELS.some((k) => k.id === c));
  const visible = new Set([...SANDBOX_CHANNELS.map((c) => c.id), ...extra, dm]);
  const replies = new Map<string, number>();
  for (const m of store.messages) if (m.threadTs && m.threadTs !== m.ts) replies.set(`${m.channel}/${m.threadTs}`, (replies.get(`${m.channel}/${m.threadTs}`) ?? 0) + 1);
  const modal = [...store.views.values()].filter((v) => v.open && v.userId === as).at(-1);
  return {
    version: store.version,
    me: as,
    team: { id: api.teamId, name: api.teamName },
    app: { userId: api.botUserId, name: 'MLOps Lifecycle' },
    people: SANDBOX_PEOPLE,
    channels: [...SANDBOX_CHANNELS, ...extra.map((id) => ({ id, name: id.toLowerCase(), topic: '' }))],
    dm,
    messages: store.messages.filter((m) => visible.has(m.channel)).map((m) => pageMessage(m, api, replies)),
    ephemerals: store.ephemerals.filter((e) => e.user === as).map((e) => ({ id: e.id, channel: e.channel, ts: e.ts, threadTs: e.threadTs, text: e.text, blocks: e.blocks })),
    modal: modal ? { id: modal.id, view: modal.view } : null,
    home: store.homeViews.get(as) ?? null,
  };
}

function pageMessage(m: StoredMessage, api: SlackWebApiEmulator, replies: Map<string, number>): PageMessage {
  return {
    channel: m.channel,
    ts: m.ts,
    threadTs: m.threadTs,
    user: m.user,
    fromApp: m.botId === api.botId,
    text: m.text,
    blocks: m.blocks,
    files: (m.files ?? []).map((f) => ({
      id: f.id,
      name: f.filename,
      title: f.title,
      url: `/files/${f.id}`,
      ...(f.bytes && hasTextChunk(f.bytes, SPEC_KEYWORD) ? { spec: `/files/${f.id}/spec.json` } : {}),
    })),
    edited: Boolean(m.edited),
    replyCount: replies.get(`${m.channel}/${m.ts}`) ?? 0,
  };
}
