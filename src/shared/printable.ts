/**
 * Zero-width and direction-control characters (U+200B–U+200F, U+202A–U+202E, U+2066–U+2069,
 * U+FEFF), as a regex character-class body: invisible, they make text display differently from
 * what it is. The rules refuse them in stored text; `printable` escapes them for display.
 */
export const INVISIBLE_CHARACTERS = '\\u200b-\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ufeff';

const NOT_PRINTABLE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029${INVISIBLE_CHARACTERS}]`, 'gu');

/**
 * Text from a request made safe to put in one log line or one error field: controls (newlines
 * included, so a value cannot start a forged log line), line separators and invisible characters
 * become `\u{…}`, and the text is cut to `max` characters.
 */
export function printable(text: string, max = 120): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(NOT_PRINTABLE, (ch) => `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase()}}`);
}
