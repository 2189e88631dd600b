import { describe, expect, it } from 'vitest';
import { printable } from '../../src/shared/printable.js';

describe('printable', () => {
  it('shows control characters escaped, so a value cannot start a line of its own', () => {
    expect(printable('data\nMLOps Lifecycle listening on http://evil')).toBe('data\\u{A}MLOps Lifecycle listening on http://evil');
    expect(printable('a\r\tb\u0000c\u001b[31md\u2028')).toBe('a\\u{D}\\u{9}b\\u{0}c\\u{1B}[31md\\u{2028}');
    expect(printable('plain ./data – ü')).toBe('plain ./data – ü');
  });
  it('prints whole lines when asked for no limit', () => {
    expect(printable('x'.repeat(500), Infinity)).toHaveLength(500);
  });
});
