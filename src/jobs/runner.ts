import { performance } from 'node:perf_hooks';
import cron from 'node-cron';
import type { Deps } from '../deps.js';
import { pruneSeenRequests } from '../db/repositories/slack-requests.js';
import { isDatabaseUnavailable } from '../shared/database-unavailable.js';
import type { JobRegistry } from './registry.js';
import { deliverOutbox } from './outbox-worker.js';
import { runDueSchedules, runDueTimers } from './scheduler.js';

export interface JobRunner {
  /** One pass over due timers, schedule slots and outbox rows at `now`. */
  tick(now?: Date): Promise<void>;
  /** Ask for an outbox pass soon (after a request queued a message). */
  kick(): void;
  start(): void;
  stop(): Promise<void>;
}

const DAY_MS = 86_400_000;
const KICK_DEBOUNCE_MS = 20;
const PASS_BUDGET_MS = 2000;

/**
 * The heartbeat: node-cron ticks every second; each tick reads what is due from the database, so
 * registered schedules cost no timers in memory and any replica can pick up any slot.
 */
export function createJobRunner(deps: Deps, registry: JobRegistry, instanceId: string): JobRunner {
  let running: Promise<void> | null = null;
  let again = false;
  let task: ReturnType<typeof cron.schedule> | null = null;
  let lastPrune = 0;
  let kickTimer: ReturnType<typeof setTimeout> | null = null;

  let stopping = false;
  /** Returns whether the outbox part stopped with rows still due (its time budget ran out). */
  const pass = async (now: Date, bounded: boolean): Promise<boolean> => {
    await runDueTimers(deps, registry, now, instanceId);
    await runDueSchedules(deps, registry, now, instanceId);
    const started = performance.now();
    let cut = false;
    // A backlog (a CI burst queued thousands of summaries) is sent over several passes, each at most
    // PASS_BUDGET_MS long: timers and schedule slots get their turn in between, and a stop waits for
    // one batch, not for the whole backlog.
    const keepGoing = () => {
      cut = stopping || (bounded && performance.now() - started > PASS_BUDGET_MS);
      return !cut;
    };
    await deliverOutbox(deps, now, registry.renderers, registry.outboxFailures, keepGoing);
    if (now.getTime() - lastPrune > 3_600_000) {
      lastPrune = now.getTime();
      await pruneSeenRequests(deps.db, new Date(now.getTime() - DAY_MS));
    }
    return cut && !stopping;
  };

  // Ticks never overlap: a tick asked for while one runs is folded into one more pass after it.
  const tick = async (now?: Date): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          // A test's tick(now) runs to the end; the heartbeat's passes are bounded and continue in the next.
          if (await pass(now ?? deps.clock.now(), !now)) again = true;
        } while (again && !now && !stopping);
      } catch (err) {
        // While the database is down every pass fails the same way: one warning line, not a stack a second.
        if (isDatabaseUnavailable(err)) deps.log.warn(`job pass skipped: the database is unavailable (${(err as Error).message})`);
        else deps.log.error('job tick failed', err);
      } finally {
        running = null;
      }
    })();
    return running;
  };

  return {
    tick,
    kick: () => {
      // Many requests in a burst each ask for a pass: one pass a few milliseconds later serves them
      // all, instead of a pass per request competing with the requests for the database.
      if (!task || kickTimer) return;
      kickTimer = setTimeout(() => {
        kickTimer = null;
        void tick();
      }, KICK_DEBOUNCE_MS);
    },
    start() {
      stopping = false;
      task = cron.schedule('* * * * * *', () => void tick(), { noOverlap: true });
      // Slots missed while no instance was running fire now, not a second later.
      void tick();
    },
    async stop() {
      stopping = true;
      if (kickTimer) clearTimeout(kickTimer);
      kickTimer = null;
      await task?.stop();
      task = null;
      await running;
    },
  };
}
