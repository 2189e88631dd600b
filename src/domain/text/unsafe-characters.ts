import type { z } from 'zod';
import { INVISIBLE_CHARACTERS } from '../../shared/printable.js';

/**
 * Characters no name, note or value typed by a person needs, refused wherever text is stored:
 * - NUL (PostgreSQL cannot store it in text, and it truncates lines in log viewers and terminals)
 *   and the other C0 controls except tab, newline and carriage return, and DEL;
 * - zero-width and direction controls (U+200B–U+200F, U+202A–U+202E, U+2066–U+2069, U+FEFF):
 *   invisible, they make text display differently from what it is ("Trojan Source"), so two
 *   names that look the same can differ, or a note can show its words in another order;
 * - an unpaired UTF-16 surrogate (JSON's `"\ud800"`): not a character at all, and PostgreSQL
 *   refuses it in jsonb, so a body carrying one would fail at the database instead of here.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSAFE = new RegExp(`[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f${INVISIBLE_CHARACTERS}]`, 'u');

const NAMES: Record<number, string> = {
  0x00: 'NUL',
  0x200b: 'zero-width space',
  0x200c: 'zero-width non-joiner',
  0x200d: 'zero-width joiner',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
  0xfeff: 'zero-width no-break space (BOM)',
};

/** `U+202E`, the way Unicode charts name a character. */
export function codePointLabel(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Why `text` may not be stored, naming the first unsafe character by code point; undefined when it is fine. */
export function unsafeCharacterProblem(text: string): string | undefined {
  const lone = text.isWellFormed() ? null : LONE_SURROGATE.exec(text);
  if (lone) return `contains an unpaired surrogate (${codePointLabel(lone[0])}), which is not valid Unicode; remove it`;
  const m = UNSAFE.exec(text);
  if (!m) return undefined;
  const ch = m[0];
  const cp = ch.codePointAt(0)!;
  const name = NAMES[cp] ?? 'control character';
  const kind = cp < 0x80 ? 'a control character' : 'an invisible or text-direction character';
  return `contains ${kind} (${codePointLabel(ch)}, ${name}); remove it`;
}

/** A zod refinement: `z.string().max(100).superRefine(refuseUnsafeCharacters)`; the issue's path names the field. */
export function refuseUnsafeCharacters(text: string, ctx: z.RefinementCtx): void {
  const problem = unsafeCharacterProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}

