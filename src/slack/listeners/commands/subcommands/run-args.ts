import { DomainError } from '../../../../domain/errors.js';
import { RunInput } from '../../../../domain/experiments/run-input.js';
import { parseSlug } from '../../../../domain/projects/slug.js';
import { parseArgs, words } from '../../../command-parser.js';
import type { CommandRequest } from '../subcommand.js';

const FLAGS = { param: 'multi', tag: 'multi', dataset: 'string', commit: 'string', name: 'string', note: 'string', url: 'string' } as const;

/** Slack's clients turn typed quotes into typographic ones; JSON needs them straight again. */
function straightenQuotes(text: string): string {
  return text.replace(/[“”„‟″]/g, '"').replace(/[‘’‚‛]/g, "'");
}

const HINTS = { metric: 'write metrics as name=value, e.g. auc=0.91', param: 'write params as --param name=value, e.g. --param lr=0.01', tag: 'write tags as --tag name=value, e.g. --tag team=vision' } as const;

function pair(text: string, what: 'metric' | 'param' | 'tag'): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) {
    const hint = HINTS[what];
    throw new DomainError(`invalid_${what}`, `"${text.slice(0, 40)}" is not a ${what}: ${hint}.`);
  }
  return [text.slice(0, eq), text.slice(eq + 1)];
}

function collect(pairs: [string, string][], what: 'metric' | 'param' | 'tag'): Record<string, string> {
  // No prototype: `__proto__=1` stays a key, so RunInput refuses it by name instead of it vanishing.
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of pairs) {
    if (Object.hasOwn(out, k)) throw new DomainError(`duplicate_${what}`, `The ${what} "${k.slice(0, 40)}" is given twice.`);
    out[k] = v;
  }
  return out;
}

/**
 * `/mlops run <slug> auc=0.91 loss=1e-3 --param lr=0.01 --dataset v3 …` or
 * `/mlops run <slug> {"metrics": {…}, "params": {…}}`, both validated by the same RunInput schema
 * the HTTP API uses (a ZodError names the field at fault).
 */
export function parseRunCommand(req: CommandRequest): { slug: string; input: RunInput } {
  const json = /^\s*\S+\s+(\S+)\s+([{“][\s\S]*)$/.exec(req.text);
  if (json) {
    const slug = parseSlug(json[1]);
    let raw: unknown;
    try {
      raw = JSON.parse(straightenQuotes(json[2]!));
    } catch (err) {
      throw new DomainError('invalid_json', `That JSON does not parse (${(err as Error).message.slice(0, 120)}). Write it like {"metrics": {"auc": 0.91}, "params": {"lr": 0.01}}.`);
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new DomainError('invalid_json', 'The JSON must be an object like {"metrics": {"auc": 0.91}}.');
    return { slug, input: RunInput.parse(raw) };
  }
  const args = parseArgs(req.tokens, FLAGS);
  const [slugWord, ...rest] = words(args.positionals);
  const slug = parseSlug(slugWord);
  if (rest.length === 0) throw new DomainError('no_metrics', 'Give at least one metric, e.g. `auc=0.91`.');
  const metrics = collect(rest.map((w) => pair(w, 'metric')), 'metric');
  const params = collect((args.multi.param ?? []).map((w) => pair(w, 'param')), 'param');
  const tags = args.multi.tag ? collect(args.multi.tag.map((w) => pair(w, 'tag')), 'tag') : undefined;
  return {
    slug,
    input: RunInput.parse({ metrics, params, dataset: args.strings.dataset, commit: args.strings.commit, name: args.strings.name, note: args.strings.note, url: args.strings.url, tags }),
  };
}
