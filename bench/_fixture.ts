// What bench/_app-process.ts (a replica in its own process) and the benchmarks driving it agree on.

export interface AppProcessOptions {
  /** A PostgreSQL URL, or 'pglite' for an in-memory embedded database of this process's own. */
  database: string;
  slackApiUrl: string;
  botToken: string;
  signingSecret: string;
  teamId: string;
  /** Whether this replica creates the project, token and gate (one replica does). */
  setup: boolean;
  /** Eligible voters of the gate the setup opens (the first one never votes, so it stays open). */
  voters: number;
  poolSize: number;
}

export interface Setup {
  token: string;
  gateId: number;
}

export interface ProbeFigures {
  /** Longest gap between two 5 ms probe ticks, beyond the 5 ms. */
  longestStallMs: number;
  /** Event-loop delay percentiles from perf_hooks (ms). */
  p99DelayMs: number;
  /** Stalls of 20 ms and more. */
  stallsOver20: number;
  /** CPU this process used since the last reset (user + system, ms), and the wall time. */
  cpuMs: number;
  wallMs: number;
}

export const BENCH_PROJECT = 'bench';
export const BENCH_CHANNEL = 'C0BENCH';
export const BENCH_OWNER = 'U0BENCHOWNER';
export const voterId = (i: number) => `U0V${String(i).padStart(6, '0')}`;
