import { DomainError } from '../domain/errors.js';

/**
 * Tokenizer and flag parser for `/mlops` text as Slack delivers it: HTML-escaped (&lt; &gt; &amp;),
 * mentions as `<@U123>` or `<@U123|name>` (should_escape), channels as `<#C123|name>`, quotes
 * straight or typographic (Slack's clients turn "…" into “…”).
 */
export type Token = { kind: 'word'; value: string } | { kind: 'user'; id: string } | { kind: 'channel'; id: string };

const OPEN_QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’' };

export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function tokenize(raw: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const text = raw.replace(/\u00a0/g, ' ');
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const special = /^<([@#])([A-Z0-9]+)(?:\|[^>]*)?>/.exec(text.slice(i));
    if (special) {
      tokens.push(special[1] === '@' ? { kind: 'user', id: special[2]! } : { kind: 'channel', id: special[2]! });
      i += special[0].length;
      continue;
    }
    let word = '';
    let quoted = false;
    while (i < text.length && !/\s/.test(text[i]!)) {
      const c = text[i]!;
      const close = OPEN_QUOTES[c];
      if (close) {
        const end = text.indexOf(close, i + 1);
        if (end < 0) throw new DomainError('unclosed_quote', `A quote opened with ${c} is never closed.`);
        word += text.slice(i + 1, end);
        quoted = true;
        i = end + 1;
      } else {
        word += c;
        i++;
      }
    }
    if (word !== '' || quoted) tokens.push({ kind: 'word', value: unescapeSlack(word) });
  }
  return tokens;
}

export type FlagKind = 'string' | 'boolean' | 'multi' | 'users';

export interface ParsedArgs {
  positionals: Token[];
  /** Last value of each string flag, every value of multi flags. */
  strings: Record<string, string>;
  multi: Record<string, string[]>;
  booleans: Set<string>;
  users: Record<string, string[]>;
}

/**
 * Splits tokens into positionals and declared flags (`--name value`, `--name=value`). An unknown
 * flag or a flag without its value is an error naming the flag: the usage message then shows what
 * the subcommand accepts.
 */
export function parseArgs(tokens: Token[], flags: Record<string, FlagKind>): ParsedArgs {
  const out: ParsedArgs = { positionals: [], strings: {}, multi: {}, booleans: new Set(), users: {} };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'word' || !/^--?[a-z]/i.test(t.value) || /^-\d/.test(t.value)) {
      out.positionals.push(t);
      continue;
    }
    const eq = t.value.indexOf('=');
    const name = (eq > 0 ? t.value.slice(0, eq) : t.value).replace(/^--?/, '').toLowerCase();
    const kind = flags[name];
    if (!kind) {
      const known = Object.keys(flags);
      throw new DomainError('unknown_flag', `Unknown option --${name}.${known.length ? ` Options: ${known.map((k) => `--${k}`).join(', ')}.` : ''}`);
    }
    if (kind === 'boolean') {
      if (eq > 0) throw new DomainError('flag_value', `--${name} takes no value.`);
      out.booleans.add(name);
      continue;
    }
    if (kind === 'users') {
      const ids: string[] = [];
      while (tokens[i + 1]?.kind === 'user') ids.push((tokens[++i] as { id: string }).id);
      if (!ids.length) throw new DomainError('flag_value', `--${name} needs one or more @mentions.`);
      out.users[name] = [...(out.users[name] ?? []), ...ids];
      continue;
    }
    let value: string;
    if (eq > 0) value = t.value.slice(eq + 1);
    else {
      const next = tokens[i + 1];
      if (!next || next.kind !== 'word' || /^--[a-z]/i.test(next.value)) throw new DomainError('flag_value', `--${name} needs a value.`);
      value = next.value;
      i++;
    }
    if (kind === 'multi') out.multi[name] = [...(out.multi[name] ?? []), value];
    else out.strings[name] = value;
  }
  return out;
}

export function words(tokens: Token[]): string[] {
  return tokens.map((t) => (t.kind === 'word' ? t.value : t.kind === 'user' ? `<@${t.id}>` : `<#${t.id}>`));
}
