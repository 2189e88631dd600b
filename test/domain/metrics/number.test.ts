import { describe, it, expect } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { parseMetricNumber } from '../../../src/domain/metrics/number.js';

describe('parseMetricNumber', () => {
  it.each([
    ['0.91', 0.91],
    ['-3', -3],
    ['+2', 2],
    ['.5', 0.5],
    ['5.', 5],
    ['  0.5  ', 0.5],
    ['91%', 0.91],
    ['91 %', 0.91],
    ['9.1%', 0.091],
    ['100%', 1],
    ['-5%', -0.05],
    ['1e-3', 0.001],
    ['1.2E+4', 12000],
    ['2.5e1%', 0.25],
    ['-0', 0],
  ])('reads %j as %d', (text, expected) => {
    expect(parseMetricNumber(text)).toBe(expected);
  });

  it('never returns a signed zero', () => {
    expect(Object.is(parseMetricNumber('-0'), 0)).toBe(true);
  });

  it.each([
    'abc',
    '',
    '   ',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e999',
    '0x10',
    '0b1',
    '1,000',
    '0,91',
    '1_000',
    '200ms',
    '5 s',
    '1.2.3',
    '--1',
    '1e',
    '%',
    '.',
  ])('refuses %j', (text) => {
    expect(() => parseMetricNumber(text)).toThrow(DomainError);
    try {
      parseMetricNumber(text);
    } catch (e) {
      expect((e as DomainError).code).toBe('invalid_number');
    }
  });

  it('says what was wrong and how to write it', () => {
    expect(() => parseMetricNumber('abc')).toThrow(
      '"abc" is not a number (use 0.91, 91% or 1e-3).',
    );
  });

  it('cuts very long input in the message', () => {
    expect(() => parseMetricNumber('x'.repeat(500))).toThrow(`"${'x'.repeat(40)}…" is not a number`);
  });
});
