import { type Block, context, esc, section } from './blocks.js';

/** What help says about one `/mlops` subcommand. */
export interface CommandHelp {
  name: string;
  /** Every form of the command, separated by ` · `. */
  usage: string;
  /** The detail `/mlops help <name>` shows. */
  summary: string;
  /** The line `/mlops help` shows; without one, the summary's first sentence, without parentheses. */
  brief?: string;
}

const SLUGS = 'Slugs are lowercase letters, digits and dashes (2–40 characters), e.g. `churn-model`.';

export function briefOf(c: CommandHelp): string {
  if (c.brief) return c.brief;
  // The first sentence without its asides: "Post X (by Y) with Z." reads "Post X with Z."
  const first = c.summary.split(/(?<=[.;:])\s/)[0]!.replace(/\s*\([^)]*\)/g, '').replace(/[.;:]$/, '');
  return `${first}.`;
}

/** The forms of a usage, one a line (the text people read and copy). */
const usageForms = (usage: string) => usage.split(/\s+·\s+/).map((f) => f.trim()).filter(Boolean);

/**
 * The `/mlops help` answer: one line per command; `problem` (what was wrong with the input) comes
 * first when present. The detail of each command is one `/mlops help <command>` away.
 */
export function helpMessage(commands: CommandHelp[], problem?: string): { text: string; blocks: Block[] } {
  const lines = commands.map((c) => ({ command: `/mlops ${c.name}`, brief: briefOf(c) }));
  const blocks: Block[] = [];
  if (problem) blocks.push(section(`:warning: ${problem}`));
  blocks.push(section(`*MLOps Lifecycle* carries ML projects from design to deployment. Commands:\n${lines.map((l) => `\`${l.command}\` — ${esc(l.brief)}`).join('\n')}`));
  blocks.push(context(`\`/mlops help &lt;command&gt;\` shows how to use one, e.g. \`/mlops help gate\`. ${SLUGS}`));
  const text = `${problem ? `${problem}\n\n` : ''}Commands (\`/mlops help <command>\` for one in detail):\n${lines.map((l) => `${l.command} — ${l.brief}`).join('\n')}`;
  return { text, blocks };
}

/** `/mlops help <command>`: what the command does and every form of it. */
export function commandHelpMessage(c: CommandHelp): { text: string; blocks: Block[] } {
  const forms = usageForms(c.usage);
  return {
    text: `/mlops ${c.name} — ${c.summary}\nUsage: ${forms.join('\n')}`,
    blocks: [section(`*/mlops ${c.name}* — ${esc(c.summary)}`), section(`*Usage*\n${forms.map((f) => `\`${esc(f)}\``).join('\n')}`), context(SLUGS)],
  };
}

/** A refusal for one subcommand: what was wrong, then how to write it. */
export function usageError(problem: string, usage: string, name?: string): { text: string; blocks: Block[] } {
  const more = name ? `\`/mlops help ${name}\` explains it.` : '`/mlops help` lists every command.';
  return {
    text: `${problem}\nUsage: ${usage}`,
    blocks: [section(`:warning: ${problem}`), context(`Usage: \`${esc(usage)}\` · ${more}`)],
  };
}
