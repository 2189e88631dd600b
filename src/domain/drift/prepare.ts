import { inferKind, LABEL_COLUMN, nameList, PREDICTION_COLUMN, roleOfColumn, typedColumn, type ColumnRole, type TypedColumn } from './columns.js';
import type { ColumnKind } from './default-test.js';
import { columnField, type RawColumn, type RawUpload } from './input.js';
import { DriftInputError } from './input-error.js';

/**
 * From an upload's raw columns to typed ones: a reference decides each column's kind (declared,
 * else inferred), a batch must have the reference's features, no more and no fewer, and is read in
 * the reference's kinds.
 */

export interface PreparedColumn {
  name: string;
  role: ColumnRole;
  column: TypedColumn;
}

/** A reference column without its values: what a batch is checked against. */
export interface ColumnShape {
  name: string;
  role: ColumnRole;
  kind: ColumnKind;
}

function rawColumns(raw: RawUpload): RawColumn[] {
  const all = [...raw.features];
  if (raw.predictions) all.push({ name: PREDICTION_COLUMN, values: raw.predictions });
  if (raw.labels) all.push({ name: LABEL_COLUMN, values: raw.labels });
  return all;
}

/** The reference's columns; numeric ones in shared memory when `shared`, so worker threads read them without a copy. */
export function prepareReference(raw: RawUpload, opts: { shared?: boolean } = {}): PreparedColumn[] {
  return rawColumns(raw).map(({ name, values }) => {
    const field = columnField(name);
    const kind = raw.kinds.get(name) ?? inferKind(values, raw.source, name, field, raw.locator);
    return { name, role: roleOfColumn(name), column: typedColumn(values, kind, raw.source, name, field, raw.locator, opts.shared) };
  });
}

export function prepareBatch(raw: RawUpload, reference: readonly ColumnShape[]): PreparedColumn[] {
  const expected = reference.filter((c) => c.role === 'feature');
  const sent = new Set(raw.features.map((c) => c.name));
  const known = new Set(expected.map((c) => c.name));
  const unknown = raw.features.map((c) => c.name).filter((n) => !known.has(n));
  const missing = expected.map((c) => c.name).filter((n) => !sent.has(n));
  if (unknown.length > 0 || missing.length > 0) {
    const parts = [
      ...(unknown.length ? [`not in the reference: ${nameList(unknown)}`] : []),
      ...(missing.length ? [`missing: ${nameList(missing)}`] : []),
    ];
    throw new DriftInputError('invalid_request', `features: a batch has the reference's feature columns; ${parts.join('; ')}.`, 'features');
  }
  const kindOf = new Map(reference.map((c) => [c.name, c.kind]));
  return rawColumns(raw).map(({ name, values }) => {
    const field = columnField(name);
    // Predictions and labels may come only with batches; then the batch's values say their kind.
    const kind = kindOf.get(name) ?? inferKind(values, raw.source, name, field, raw.locator);
    return { name, role: roleOfColumn(name), column: typedColumn(values, kind, raw.source, name, field, raw.locator) };
  });
}
