import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { Deps } from '../../../deps.js';
import { DomainError } from '../../../domain/errors.js';
import { type Token, tokenize, unescapeSlack, words } from '../../command-parser.js';
import { esc } from '../../../messages/blocks.js';
import { type CommandHelp, commandHelpMessage, helpMessage, usageError } from '../../../messages/help.js';
import { DATABASE_UNAVAILABLE_TEXT } from '../../../messages/unavailable.js';
import { isDatabaseUnavailable } from '../../../shared/database-unavailable.js';
import type { SlackListeners } from '../registry.js';
import type { CommandReply, Subcommand } from './subcommand.js';

const HELP: CommandHelp = {
  name: 'help',
  usage: '/mlops help · /mlops help <command>',
  summary: 'The list of commands, one line each; with a command, what it does and every form of it.',
  brief: 'This list; `/mlops help <command>` shows how to use one.',
};

const CommandBody = z.object({
  team_id: z.string().min(1),
  channel_id: z.string().min(1),
  user_id: z.string().min(1),
  text: z.string().default(''),
  trigger_id: z.string().default(''),
  response_url: z.string().default(''),
});

/**
 * `/mlops <subcommand> …`: parses, dispatches, and answers in the ack (ephemeral) — the cheapest
 * reply Slack offers. Input mistakes come back as a usage message naming what was wrong.
 */
export function registerMlopsCommand(listeners: SlackListeners, deps: Deps, subcommands: Subcommand[]): void {
  const byName = new Map(subcommands.map((s) => [s.name, s]));
  const helps: CommandHelp[] = [...subcommands.map(({ name, usage, summary, brief }) => ({ name, usage, summary, ...(brief ? { brief } : {}) })), HELP];
  const helpFor = (topic: Token | undefined) => {
    if (!topic) return helpMessage(helps);
    const name = words([topic])[0]!.toLowerCase();
    const found = helps.find((c) => c.name === name);
    return found ? commandHelpMessage(found) : helpMessage(helps, `There is no command "${esc(name.slice(0, 40))}".`);
  };

  listeners.command('/mlops', async ({ command, ack, client }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const body = CommandBody.safeParse(command);
    if (!body.success) {
      await ack({ response_type: 'ephemeral', text: 'That request was malformed; please try again.' });
      return;
    }
    const { team_id, channel_id, user_id, text, trigger_id, response_url } = body.data;
    let reply: CommandReply;
    let sub: Subcommand | undefined;
    try {
      const tokens = tokenize(text);
      const first = tokens[0];
      const name = first?.kind === 'word' ? first.value.toLowerCase() : '';
      if (name === '' || name === 'help' || name === '--help') {
        reply = helpFor(tokens[1]);
      } else {
        sub = byName.get(name);
        if (!sub) {
          reply = helpMessage(helps, `Unknown subcommand "${esc(name.slice(0, 40))}".`);
        } else {
          reply = await sub.run(deps, { teamId: team_id, channelId: channel_id, userId: user_id, triggerId: trigger_id, responseUrl: response_url, tokens: tokens.slice(1), text: unescapeSlack(text) }, client);
        }
      }
    } catch (err) {
      reply = errorReply(deps, err, sub);
    }
    await ack({ response_type: reply.inChannel ? 'in_channel' : 'ephemeral', text: reply.text, ...(reply.blocks ? { blocks: reply.blocks } : {}) });
    if (reply.after) {
      await reply.after().catch((err: unknown) => deps.log.error(`/mlops ${sub?.name ?? ''} follow-up failed`, err));
    }
  });
}

function errorReply(deps: Deps, err: unknown, sub: Subcommand | undefined): CommandReply {
  // A refusal of who is asking is not a typo: it says who may, with no usage text under it.
  if (err instanceof DomainError && err.code === 'not_allowed') return { text: `:no_entry_sign: ${err.message}` };
  if (err instanceof DomainError) return sub ? usageError(err.message, sub.usage, sub.name) : { text: err.message };
  if (err instanceof z.ZodError) {
    const issue = err.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return usageError(`${where}${issue?.message ?? 'invalid input'}`, sub?.usage ?? HELP.usage, sub?.name);
  }
  // The database went away mid-command (the middleware answers the case where it was already away).
  if (isDatabaseUnavailable(err)) {
    deps.log.warn(`/mlops ${sub?.name ?? ''}: the database is unavailable (${err instanceof Error ? err.message : String(err)})`);
    return { text: DATABASE_UNAVAILABLE_TEXT };
  }
  deps.log.error(`/mlops ${sub?.name ?? ''} failed`, err);
  return { text: ':x: Something went wrong on our side; nothing was changed. Please try again in a moment.' };
}
