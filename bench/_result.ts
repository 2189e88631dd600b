// What every benchmark shares: summary statistics over repeated runs, and the one line through
// which it hands its figures to `bench/run.ts`, which writes them into bench/RESULTS.md.

/** The median of `xs` (the mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The p-th percentile (nearest rank) of already-sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** "median (min–max)" of repeated measurements, each formatted with `digits` decimals. */
export function spread(xs: readonly number[], digits = 0): string {
  const f = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (xs.length === 1) return f(xs[0]!);
  return `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
}

/** A markdown table from a header row and body rows. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

export interface BenchResult {
  /** The benchmark's file name without `.ts`: its section in RESULTS.md. */
  bench: string;
  /** The section's heading. */
  title: string;
  /** The section's body: how it was measured, the table, whether the target is met. */
  markdown: string;
  /** The raw figures, for anyone reading the JSON line. */
  figures?: Record<string, unknown>;
}

/** Hands the benchmark's section to bench/run.ts (which reads stdout for this prefix). */
export function emitResult(r: BenchResult): void {
  console.log(`RESULT ${JSON.stringify(r)}`);
}

/** `--name value` from argv, or the default. */
export function argOf(name: string, fallback: number): number;
export function argOf(name: string, fallback: string): string;
export function argOf(name: string, fallback: number | string): number | string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) return fallback;
  const v = process.argv[i + 1]!;
  return typeof fallback === 'number' ? Number(v) : v;
}
