import { type Block, context, section } from './blocks.js';

export interface UsageLine {
  usage: string;
  summary: string;
}

/** The `/mlops help` answer; `problem` (what was wrong with the input) comes first when present. */
export function helpMessage(lines: UsageLine[], problem?: string): { text: string; blocks: Block[] } {
  const list = lines.map((l) => `\`${l.usage}\`\n${l.summary}`).join('\n\n');
  const blocks: Block[] = [];
  if (problem) blocks.push(section(`:warning: ${problem}`));
  blocks.push(section(`*MLOps Lifecycle* carries ML projects from design to deployment. Commands:\n\n${list}`));
  blocks.push(context('Slugs are lowercase letters, digits and dashes (2–40 characters), e.g. `churn-model`.'));
  const text = `${problem ? `${problem}\n\n` : ''}Usage:\n${lines.map((l) => `${l.usage} — ${l.summary}`).join('\n')}`;
  return { text, blocks };
}

/** A refusal for one subcommand: what was wrong, then how to write it. */
export function usageError(problem: string, usage: string): { text: string; blocks: Block[] } {
  return {
    text: `${problem}\nUsage: ${usage}`,
    blocks: [section(`:warning: ${problem}`), context(`Usage: \`${usage}\` · \`/mlops help\` lists every command.`)],
  };
}
