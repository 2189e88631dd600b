import { randomBytes } from 'node:crypto';

/** What the emulated workspace remembers: messages per channel and thread, views, files and every API call. */
export interface StoredMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  user?: string;
  botId?: string;
  text: string;
  blocks?: Block[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  files?: StoredFile[];
  edited?: boolean;
}

export interface EphemeralMessage {
  /** The emulator's own id for it (Slack gives ephemerals no lasting id); a response_url can replace it. */
  id: string;
  /** When it was shown, on the same clock as message timestamps (it sorts among them). */
  ts: string;
  channel: string;
  user: string;
  text: string;
  blocks?: Block[];
  /** How it reached the person: `ack` (reply in the command's HTTP response), `response_url` or `chat.postEphemeral`. */
  via: 'ack' | 'response_url' | 'chat.postEphemeral';
  threadTs?: string;
}

export interface StoredView {
  id: string;
  userId: string;
  view: Record<string, unknown> & { blocks?: Block[]; callback_id?: string; private_metadata?: string };
  open: boolean;
  /** Changes with every update; views.update with an older hash is refused (hash_conflict), as in Slack. */
  hash?: string;
}

export interface StoredFile {
  id: string;
  filename: string;
  title?: string;
  bytes?: Buffer;
}

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  ok: boolean;
  error?: string;
  status: number;
}

// Block Kit is open-ended JSON; the emulator only inspects a few fields of it.
export type Block = Record<string, unknown> & { type: string };

/**
 * Slack gives every block without a `block_id` one of its own when it stores a message or view (and
 * sends that id with a click in it); the emulator does the same, so a click names its block.
 */
export function withBlockIds<T extends Block[] | undefined>(blocks: T): T {
  for (const b of blocks ?? []) if (typeof b.block_id !== 'string' || b.block_id === '') b.block_id = randomBytes(4).toString('base64url');
  return blocks;
}

export class WorkspaceStore {
  readonly messages: StoredMessage[] = [];
  readonly ephemerals: EphemeralMessage[] = [];
  readonly views = new Map<string, StoredView>();
  /** Each person's published App Home; `id` is the view id a click in it refers to. */
  readonly homeViews = new Map<string, Record<string, unknown> & { id?: string }>();
  readonly files = new Map<string, StoredFile>();
  readonly calls: ApiCall[] = [];
  private lastTs = 0;
  private ephemeralSeq = 0;
  private readonly listeners = new Set<() => void>();
  /** Increases on every change a person could see; the sandbox page polls nothing, it listens. */
  version = 0;

  /** Calls `fn` after anything changed (batched by the caller as it likes); returns the unsubscribe. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** How many are listening (the sandbox page's open event streams). */
  get subscribers(): number {
    return this.listeners.size;
  }

  /** Marks a change: the emulator calls it after each request it handled and each thing a person did. */
  changed(): void {
    this.version += 1;
    for (const fn of this.listeners) fn();
  }

  /** Shows an ephemeral message to one person, stamped and numbered. */
  addEphemeral(e: Omit<EphemeralMessage, 'id' | 'ts'>): EphemeralMessage {
    const msg: EphemeralMessage = { ...e, blocks: withBlockIds(e.blocks), id: `E${++this.ephemeralSeq}`, ts: this.nextTs() };
    this.ephemerals.push(msg);
    this.changed();
    return msg;
  }

  /** Slack timestamps are unique per channel and increase; microsecond ticks keep them unique here too. */
  nextTs(): string {
    const nowMicros = Date.now() * 1000;
    this.lastTs = Math.max(this.lastTs + 1, nowMicros);
    const s = Math.floor(this.lastTs / 1_000_000);
    const us = this.lastTs % 1_000_000;
    return `${s}.${String(us).padStart(6, '0')}`;
  }

  channelMessages(channel: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && (m.threadTs === undefined || m.threadTs === m.ts));
  }

  threadReplies(channel: string, threadTs: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.threadTs === threadTs && m.ts !== threadTs);
  }

  find(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }
}
