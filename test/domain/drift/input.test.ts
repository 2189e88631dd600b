import { describe, expect, it } from 'vitest';
import { decodeUpload } from '../../../src/domain/drift/input.js';
import { DriftInputError } from '../../../src/domain/drift/input-error.js';
import { errorOf } from '../../helpers/errors.js';
import { locateJsonError } from '../../../src/domain/drift/json-syntax.js';
import { prepareBatch, prepareReference } from '../../../src/domain/drift/prepare.js';
import { scoreBatch } from '../../../src/domain/drift/score-batch.js';

const bytes = (s: string) => [new TextEncoder().encode(s)];
const refusal = (fn: () => unknown): DriftInputError => errorOf(fn, DriftInputError);

describe('decodeUpload', () => {
  it('reads CSV with a BOM, quoted cells across lines, empty cells as missing, and reserved prediction/label columns', () => {
    const csv = '\ufeffage,note,__prediction,__label\n31,"two\nlines",0.7,1\n,plain,0.2,0\n';
    const raw = decodeUpload(bytes(csv), 'csv', 'reference');
    expect(raw.rows).toBe(2);
    expect(raw.features.map((c) => [c.name, c.values])).toEqual([
      ['age', ['31', null]],
      ['note', ['two\nlines', 'plain']],
    ]);
    expect(raw.predictions).toEqual(['0.7', '0.2']);
    expect(raw.labels).toEqual(['1', '0']);
    // The second record starts on line 4 (the quoted cell spans lines 2–3).
    const e = refusal(() => prepareBatch(decodeUpload(bytes('age,note\n1,"a\nb"\nold,c\n'), 'csv', 'observations'), [{ name: 'age', role: 'feature', kind: 'numeric' }, { name: 'note', role: 'feature', kind: 'categorical' }]));
    expect(e.message).toContain('line 4 holds "old"');
  });

  it('types a reference: declared kinds win over inference', () => {
    const raw = decodeUpload(bytes('{"features": {"zip": [10115, 20095], "x": [1, null]}, "kinds": {"zip": "categorical"}}'), 'json', 'reference');
    const cols = prepareReference(raw);
    expect(cols.map((c) => [c.name, c.column.kind])).toEqual([
      ['zip', 'categorical'],
      ['x', 'numeric'],
    ]);
    expect(cols[0]!.column.values).toEqual(['10115', '20095']);
  });

  it('takes columns named like Object properties (constructor, toString) as ordinary columns', () => {
    const features = { constructor: [1, 2, 3, 4, 5, 6], toString: ['a', 'b', 'a', 'b', 'a', 'b'] };
    const ref = prepareReference(decodeUpload(bytes(JSON.stringify({ features })), 'json', 'reference'));
    expect(ref.map((c) => [c.name, c.role, c.column.kind])).toEqual([
      ['constructor', 'feature', 'numeric'],
      ['toString', 'feature', 'categorical'],
    ]);
    const cur = prepareBatch(decodeUpload(bytes(JSON.stringify({ features })), 'json', 'observations'), ref.map((c) => ({ name: c.name, role: c.role, kind: c.column.kind })));
    const { drift } = scoreBatch(ref, cur, {}, []);
    expect(drift.columns.map((c) => [c.name, c.evaluable, c.drifted])).toEqual([
      ['constructor', true, false],
      ['toString', true, false],
    ]);
  });

  it('takes kinds from the query for CSV, and a timestamp from the query', () => {
    const ref = decodeUpload(bytes('zip\n10115\n'), 'csv', 'reference', { kinds: { zip: 'categorical' } });
    expect(prepareReference(ref)[0]!.column).toEqual({ kind: 'categorical', values: ['10115'] });
    expect(decodeUpload(bytes('zip\n10115\n'), 'csv', 'observations', { timestamp: '2026-01-01T00:00:00Z' }).timestamp).toBe('2026-01-01T00:00:00Z');
  });

  it('decodes a character split between two blocks', () => {
    const whole = new TextEncoder().encode('{"features": {"café": [1]}}');
    const at = whole.indexOf(0xc3) + 1; // between the two bytes of "é"
    expect(decodeUpload([whole.slice(0, at), whole.slice(at)], 'json', 'reference').features[0]!.name).toBe('café');
  });

  it('refuses a body that is not UTF-8, and an empty one', () => {
    expect(refusal(() => decodeUpload([new Uint8Array([0x7b, 0xff, 0x7d])], 'json', 'reference'))).toMatchObject({ code: 'invalid_encoding', field: 'body' });
    expect(refusal(() => decodeUpload(bytes('  \n'), 'csv', 'reference'))).toMatchObject({ code: 'invalid_request', field: 'body' });
  });
});

describe('locateJsonError', () => {
  it('finds nothing wrong in what JSON.parse accepts', () => {
    const samples = [JSON.stringify({ a: [1, -2.5e-7, 'x\n"y"\\', null, true, { b: [] }], 'é': {} }), ' [ ] ', '"\\u00e9"', '0', '[[[[]]],[]]'];
    for (const s of samples) expect(locateJsonError(s)).toBeNull();
  });

  it('names the line and column where JSON.parse fails', () => {
    const good = JSON.stringify({ features: { age: [1, 2, 3], plan: ['a', 'b', null] } }, null, 2);
    // Every single-character deletion that breaks the text is located inside it.
    for (let i = 0; i < good.length; i++) {
      const broken = good.slice(0, i) + good.slice(i + 1);
      let valid = true;
      try {
        JSON.parse(broken);
      } catch {
        valid = false;
      }
      const at = locateJsonError(broken);
      expect(at === null).toBe(valid);
      if (at) expect(at.line).toBeLessThanOrEqual(broken.split('\n').length);
    }
    expect(locateJsonError('{\n  "a": [1,]\n}')).toMatchObject({ line: 2, column: 11 });
  });
});
