import type { WebClient } from '@slack/web-api';
import type { Deps } from '../../../deps.js';
import type { Token } from '../../command-parser.js';
import type { Block } from '../../../messages/blocks.js';

export interface CommandRequest {
  teamId: string;
  channelId: string;
  userId: string;
  triggerId: string;
  responseUrl: string;
  /** The words after the subcommand's name. */
  tokens: Token[];
  /** The command text as typed (Slack's escaping undone), for subcommands that take JSON. */
  text: string;
}

/**
 * What the person sees at once (it rides in the ack, ephemeral unless `inChannel`), and optional
 * slow work (posting threads, charts, LLM) that runs after the ack.
 */
export interface CommandReply {
  text: string;
  blocks?: Block[];
  inChannel?: boolean;
  after?: () => Promise<void>;
}

/** One `/mlops` subcommand; features register theirs in `subcommands/index.ts`. */
export interface Subcommand {
  name: string;
  usage: string;
  /** What `/mlops help <name>` says it does. */
  summary: string;
  /** Its line in `/mlops help`; without one, the summary's first sentence. */
  brief?: string;
  run(deps: Deps, req: CommandRequest, client: WebClient): Promise<CommandReply>;
}
