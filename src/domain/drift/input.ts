import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import { DRIFT_UPLOAD_LIMITS } from './limits.js';
import { checkColumnName, jsonRows, LABEL_COLUMN, nameList, PREDICTION_COLUMN, type CellLocator, type CellSource } from './columns.js';
import type { ColumnKind } from './default-test.js';
import { DriftInputError, fromZodIssue, printable } from './input-error.js';
import { locateJsonError } from './json-syntax.js';

/**
 * Reading a drift upload — a reference sample or a batch of current data — from the bytes of a
 * JSON or CSV body into named columns of raw values, with every shape rule checked here and each
 * refusal naming the field, row or line to fix. Kinds and number conversion come after
 * (columns.ts), once the reference says what each column is.
 */

export const ColumnKindName = z.enum(['numeric', 'categorical']);
/** ISO 8601 with a zone (Z or an offset): when the batch was observed. */
export const ObservedAt = z.iso.datetime({ offset: true }).describe('When the data was observed (ISO 8601 with Z or an offset); the time it was received otherwise');
const Kinds = z.record(z.string(), ColumnKindName).describe('Declared column kinds; otherwise a column is numeric when every present value is a number');

/** A value as the OpenAPI document shows it; parsing checks values itself, for messages that name the row. */
const Cell = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const ShallowColumn = z.custom<unknown[]>((v) => Array.isArray(v), { message: 'expected an array of values (numbers, strings or null)' });

function dataShape<C extends z.ZodType>(column: C) {
  return {
    features: z.record(z.string(), column).describe('Feature columns by name, one value per row; every column has the same length'),
    predictions: column.optional().describe('The model output per row: a class (0/1), a score or a regression value'),
    labels: column.optional().describe('The ground truth per row, when known'),
  };
}

/** Bodies as documented (typed values) and as parsed (arrays checked value by value afterwards). */
export const ReferenceBody = z.strictObject({ ...dataShape(z.array(Cell)), kinds: Kinds.optional() });
export const ObservationsBody = z.strictObject({ ...dataShape(z.array(Cell)), timestamp: ObservedAt.optional() });
const ReferenceShape = z.strictObject({ ...dataShape(ShallowColumn), kinds: Kinds.optional() });
const ObservationsShape = z.strictObject({ ...dataShape(ShallowColumn), timestamp: ObservedAt.optional() });

export type UploadKind = 'reference' | 'observations';
export type MediaType = 'json' | 'csv';

/** What the query string adds: kinds for a reference, the observation time for a CSV batch. */
export interface UploadOptions {
  kinds?: Record<string, ColumnKind>;
  timestamp?: string;
}

export interface RawColumn {
  name: string;
  values: readonly unknown[];
}

/** An upload read and shape-checked, values still as sent. */
export interface RawUpload {
  source: CellSource;
  rows: number;
  /** Feature columns in the order they were sent. */
  features: RawColumn[];
  predictions?: readonly unknown[];
  labels?: readonly unknown[];
  kinds: Map<string, ColumnKind>;
  timestamp?: string;
  locator: CellLocator;
}

/** The field a column is reported under. */
export function columnField(name: string): string {
  if (name === PREDICTION_COLUMN) return 'predictions';
  if (name === LABEL_COLUMN) return 'labels';
  return `features.${printable(name)}`;
}

/** The body arrives as blocks (see shared/read-blocks.ts); they are decoded in turn, never joined as bytes. */
export function decodeUpload(body: readonly Uint8Array[], media: MediaType, kind: UploadKind, options: UploadOptions = {}): RawUpload {
  if (body.reduce((n, b) => n + b.byteLength, 0) > DRIFT_UPLOAD_LIMITS.bodyBytes) throw tooLargeBody();
  let text: string;
  try {
    // Fatal: bytes that are not UTF-8 are refused rather than read as U+FFFD. A BOM is dropped.
    // Streaming, so a character split between two blocks is decoded whole.
    const decoder = new TextDecoder('utf-8', { fatal: true });
    text = body.map((block, i) => decoder.decode(block, { stream: i < body.length - 1 })).join('');
    if (body.length === 0) text = '';
  } catch {
    throw new DriftInputError('invalid_encoding', 'The body is not valid UTF-8; send UTF-8 text.', 'body');
  }
  if (text.trim() === '') throw new DriftInputError('invalid_request', `body: the body is empty; send ${media === 'csv' ? 'a header row and data rows' : 'a JSON object with "features"'}.`, 'body');
  const upload = media === 'json' ? fromJson(text, kind) : fromCsv(text);
  return finish(upload, kind, options);
}

export function tooLargeBody(): DriftInputError {
  return new DriftInputError('too_large', `The body is over ${DRIFT_UPLOAD_LIMITS.bodyBytes / 1_000_000} MB, the most one request may send; split the data into several batches.`, 'body');
}

function fromJson(text: string, kind: UploadKind): RawUpload {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw jsonSyntaxError(text, err);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new DriftInputError('invalid_request', 'body: send a JSON object such as {"features": {"age": [31, 45, null]}}.', 'body');
  }
  const parsed = (kind === 'reference' ? ReferenceShape : ObservationsShape).safeParse(body);
  if (!parsed.success) throw fromZodIssue(parsed.error);
  const data = parsed.data as z.infer<typeof ReferenceShape> & z.infer<typeof ObservationsShape>;
  // Names come from the parsed JSON itself: zod's record drops a "__proto__" key instead of refusing it.
  const rawFeatures = (body as { features: Record<string, unknown[]> }).features;
  const names = Object.keys(rawFeatures);
  names.forEach((name) => checkColumnName(name, 'features'));
  const kinds = new Map<string, ColumnKind>(Object.entries(data.kinds ?? {}));
  return {
    source: 'json',
    rows: 0,
    features: names.map((name) => ({ name, values: rawFeatures[name]! })),
    predictions: data.predictions,
    labels: data.labels,
    kinds,
    timestamp: data.timestamp,
    locator: jsonRows,
  };
}

/** JSON.parse on Node 20 often gives no position; the scan in json-syntax.ts finds the line and column. */
function jsonSyntaxError(text: string, err: unknown): DriftInputError {
  const at = locateJsonError(text);
  const what = at ? `line ${at.line}, column ${at.column}: ${at.problem}` : err instanceof Error ? err.message.split('\n')[0]! : String(err);
  // Python's json.dumps writes NaN and Infinity bare, which is not JSON.
  const hint = /(?<![\w"])-?(NaN|Infinity)(?![\w"])/.test(text) ? ' Bare NaN or Infinity is not JSON: send null or the strings "NaN", "Infinity", "-Infinity".' : '';
  return new DriftInputError('invalid_json', `The body is not valid JSON: ${what}.${hint}`, 'body');
}

/** Line numbers of CSV records, kept as the parser reports them (a quoted cell may span lines). */
class CsvLines implements CellLocator {
  lines = new Int32Array(1024);
  n = 0;
  push(line: number): void {
    if (this.n === this.lines.length) {
      const grown = new Int32Array(this.lines.length * 2);
      grown.set(this.lines);
      this.lines = grown;
    }
    this.lines[this.n++] = line;
  }
  describe(row: number): string {
    return `line ${this.lines[row] ?? row + 2}`;
  }
}

/**
 * A CSV body: a header row of column names, then one record per row, comma-separated, quoted as
 * RFC 4180. `__prediction` and `__label` columns are the predictions and labels. An empty cell is
 * a missing value. Records go straight into columns, so the parsed rows are never all held.
 */
function fromCsv(text: string): RawUpload {
  let header: string[] | undefined;
  let columns: (string | null)[][] = [];
  const lines = new CsvLines();
  let values = 0;
  try {
    parseCsv(text, {
      bom: true,
      skip_empty_lines: true,
      on_record: (record: string[], context) => {
        if (!header) {
          header = record;
          checkHeader(header);
          columns = header.map(() => []);
          return null;
        }
        values += record.length;
        if (values > DRIFT_UPLOAD_LIMITS.valuesPerRequest) throw tooManyValues(values);
        for (let c = 0; c < record.length; c++) columns[c]!.push(record[c] === '' ? null : record[c]!);
        lines.push(context.lines);
        return null;
      },
    });
  } catch (err) {
    if (err instanceof DriftInputError) throw err;
    const e = err as { code?: string; message?: string };
    throw new DriftInputError('invalid_csv', `The body is not valid CSV: ${e.message ?? String(err)}.`, 'body');
  }
  if (!header) throw new DriftInputError('invalid_csv', 'The body is not valid CSV: no header row.', 'body');
  const features: RawColumn[] = [];
  let predictions: (string | null)[] | undefined;
  let labels: (string | null)[] | undefined;
  header.forEach((name, c) => {
    if (name === PREDICTION_COLUMN) predictions = columns[c];
    else if (name === LABEL_COLUMN) labels = columns[c];
    else features.push({ name, values: columns[c]! });
  });
  return { source: 'csv', rows: 0, features, predictions, labels, kinds: new Map(), locator: lines };
}

function checkHeader(header: string[]): void {
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name === '') throw new DriftInputError('invalid_csv', `The body is not valid CSV: column ${i + 1} of the header row has no name.`, 'body');
    checkColumnName(name, 'body', { reservedAllowed: true });
    if (seen.has(name)) throw new DriftInputError('invalid_csv', `The body is not valid CSV: the header names "${printable(name)}" twice.`, 'body');
    seen.add(name);
  });
}

function tooManyValues(n: number): DriftInputError {
  return new DriftInputError(
    'too_large',
    `The upload holds ${n > DRIFT_UPLOAD_LIMITS.valuesPerRequest ? `more than ${DRIFT_UPLOAD_LIMITS.valuesPerRequest.toLocaleString('en-US')}` : n} values, the most one request may send; split it into several batches.`,
    'features',
  );
}

/** Rules every upload meets whichever way it came: columns, rows, sizes, declared kinds. */
function finish(upload: RawUpload, kind: UploadKind, options: UploadOptions): RawUpload {
  const { features } = upload;
  if (features.length === 0) throw new DriftInputError('invalid_request', 'features: send at least one feature column.', 'features');
  if (features.length > DRIFT_UPLOAD_LIMITS.columns) {
    throw new DriftInputError('invalid_request', `features: ${features.length} columns; the limit is ${DRIFT_UPLOAD_LIMITS.columns}.`, 'features');
  }
  const all: RawColumn[] = [...features];
  if (upload.predictions) all.push({ name: PREDICTION_COLUMN, values: upload.predictions });
  if (upload.labels) all.push({ name: LABEL_COLUMN, values: upload.labels });
  const total = all.reduce((n, c) => n + c.values.length, 0);
  if (total > DRIFT_UPLOAD_LIMITS.valuesPerRequest) throw tooManyValues(total);
  const rows = features[0]!.values.length;
  for (const c of all) {
    if (c.values.length === 0) throw new DriftInputError('invalid_request', `${columnField(c.name)}: column "${printable(c.name)}" is empty; send one value per row.`, columnField(c.name));
    if (c.values.length !== rows) {
      throw new DriftInputError(
        'invalid_request',
        `${columnField(c.name)}: column "${printable(c.name)}" has ${c.values.length} values but "${printable(features[0]!.name)}" has ${rows}; send one value per row in every column.`,
        columnField(c.name),
      );
    }
  }

  const kinds = new Map(upload.kinds);
  for (const [name, k] of Object.entries(options.kinds ?? {})) {
    if (kinds.has(name) && kinds.get(name) !== k) throw new DriftInputError('invalid_request', `kinds.${printable(name)}: declared both ${kinds.get(name)} and ${k}.`, `kinds.${printable(name)}`);
    kinds.set(name, k);
  }
  if (kind === 'observations' && kinds.size > 0) throw new DriftInputError('invalid_request', 'kinds: a batch takes its column kinds from the reference; declare them when sending the reference.', 'kinds');
  const known = new Set(all.map((c) => c.name));
  const unknown = [...kinds.keys()].filter((n) => !known.has(n));
  if (unknown.length > 0) throw new DriftInputError('invalid_request', `kinds: no such column: ${nameList(unknown)}.`, 'kinds');

  if (upload.timestamp !== undefined && options.timestamp !== undefined && upload.timestamp !== options.timestamp) {
    throw new DriftInputError('invalid_request', 'timestamp: given in both the body and the query, differently.', 'timestamp');
  }
  return { ...upload, rows, kinds, timestamp: upload.timestamp ?? options.timestamp };
}
