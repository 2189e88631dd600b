import { describe, expect, it } from 'vitest';
import { RunInput } from '../../../src/domain/experiments/run-input.js';
import { parseSlug } from '../../../src/domain/projects/slug.js';
import { unsafeCharacterProblem } from '../../../src/domain/text/unsafe-characters.js';
import { printable } from '../../../src/shared/printable.js';
import { errorOf } from '../../helpers/errors.js';

const INVISIBLE = ['\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\ufeff'];

describe('unsafe characters', () => {
  it('names every zero-width and direction control, and NUL, by code point', () => {
    for (const ch of INVISIBLE) expect(unsafeCharacterProblem(`a${ch}b`)).toMatch(/invisible or text-direction character \(U\+[0-9A-F]{4}, /);
    expect(unsafeCharacterProblem('a\u0000b')).toBe('contains a control character (U+0000, NUL); remove it');
    expect(unsafeCharacterProblem('\u001b[31mred')).toContain('U+001B');
  });

  it('lets ordinary text through: accents, emoji, right-to-left scripts, tabs and newlines', () => {
    for (const ok of ['café', 'résumé 🚀', 'שלום', 'مرحبا', 'line one\nline two\tand a tab', '日本語']) expect(unsafeCharacterProblem(ok)).toBeUndefined();
  });

  it('RunInput refuses them in the name, note, dataset, param values and metric text, naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'base\u202eline' }, 'name'],
      [{ note: '\ufeffleading BOM' }, 'note'],
      [{ dataset: 'v3\u200b' }, 'dataset'],
      [{ params: { lr: '0.01\u2066' } }, 'params.lr'],
      [{ metrics: { auc: '0.9\u200f' } }, 'metrics.auc'],
    ];
    for (const [extra, field] of cases) {
      const r = RunInput.safeParse({ metrics: { auc: 0.9 }, ...extra });
      expect(r.success, field).toBe(false);
      const issue = r.error!.issues[0]!;
      expect(issue.path.join('.')).toBe(field);
      expect(issue.message).toMatch(/U\+[0-9A-F]{4}/);
    }
  });

  it('RunInput refuses __proto__, constructor and prototype as metric or param names instead of dropping them', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      for (const where of ['metrics', 'params'] as const) {
        const input = JSON.parse(`{"metrics":{"auc":1},"params":{}}`) as Record<string, Record<string, unknown>>;
        Object.defineProperty(input[where], key, { value: where === 'metrics' ? 1 : 'x', enumerable: true });
        const r = RunInput.safeParse(input);
        expect(r.success, `${where}.${key}`).toBe(false);
        expect(r.error!.issues[0]!.path).toEqual([where, key]);
        expect(r.error!.issues[0]!.message).toBe(`"${key}" is a reserved name; choose another`);
      }
    }
  });

  it('a slug with an invisible character says so, without echoing the slug', () => {
    const e = errorOf(() => parseSlug('churn\u202e-model'));
    expect(e.code).toBe('invalid_slug');
    expect(e.message).toContain('U+202E');
    expect(e.message).toContain('use 2–40 lowercase letters, digits and dashes');
    expect(e.message).not.toContain('\u202e');
    expect(errorOf(() => parseSlug('\u200bchurn')).message).toContain('zero-width space');
  });

  it('an unpaired surrogate (which PostgreSQL refuses in jsonb) is refused by name; a paired one is an emoji and fine', () => {
    expect(unsafeCharacterProblem('lr \ud800')).toBe('contains an unpaired surrogate (U+D800), which is not valid Unicode; remove it');
    expect(unsafeCharacterProblem('\udc00 first')).toContain('U+DC00');
    expect(unsafeCharacterProblem('a\udbff\udbff\udfff')).toContain('U+DBFF');
    expect(unsafeCharacterProblem('rocket 🚀 \ud83d\ude80')).toBeUndefined();
    const r = RunInput.safeParse({ metrics: { auc: 0 }, params: { '0': '\ud800' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['params', '0']);
  });

  it('printable escapes controls, line breaks and invisible characters, and cuts long text', () => {
    expect(printable('a\nb\u0000c\u202ed')).toBe('a\\u{A}b\\u{0}c\\u{202E}d');
    expect(printable('x'.repeat(10), 4)).toBe('xxxx…');
    expect(printable('café 🚀')).toBe('café 🚀');
  });
});
