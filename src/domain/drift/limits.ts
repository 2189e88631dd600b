/**
 * What one drift upload (a reference or a batch) may hold. The body limit applies to the body as
 * received after decompression; the values limit counts every cell of every column, predictions
 * and labels included. Above either the answer is a 413; above the others, a 400 naming the column.
 */
export const DRIFT_UPLOAD_LIMITS = {
  bodyBytes: 100_000_000,
  valuesPerRequest: 5_000_000,
  columns: 500,
  nameLength: 100,
} as const;
