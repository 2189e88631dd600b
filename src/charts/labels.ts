/**
 * Shortens a label to at most `maxChars` characters by cutting out its middle: run names and
 * categories often share a long prefix and differ at the end (…-seed=1, …-seed=2), which an
 * end cut would make identical.
 */
export function middleEllipsis(text: string, maxChars: number): string {
  const chars = Array.from(text); // by code point, so an accent or emoji is never split
  if (chars.length <= maxChars) return text;
  const keep = Math.max(1, maxChars - 1);
  const head = Math.floor(keep / 2); // the odd character goes to the end, where names tend to differ
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (keep - head)).join('')}`;
}
