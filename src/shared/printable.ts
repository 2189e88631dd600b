/**
 * A string safe to print on a terminal or in a plain-text log line: control characters (newline,
 * carriage return, NUL, escape sequences…) are shown as `\n`, `\u0000`, so a value from the
 * environment cannot start a line of its own or recolour the terminal. The JSON logger needs none of
 * this (JSON escapes them); it is for the few lines `npm start` prints as plain text.
 */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
