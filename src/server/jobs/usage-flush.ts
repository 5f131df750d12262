/**
 * The hourly usage flush (the guide's `UsageFlushJob.run()`): copies the monthly usage counters
 * of this UTC month and the last one from the counter store into UsageRecord, so PostgreSQL holds
 * what Redis counted (for invoices, reports and the day Redis loses a key).
 *
 * One pass of SCAN over the counters; every `batchSize` counters are read in one atomic step
 * and written in one statement, right after, as absolute values ordered by the instant they
 * were read (write-usage-records.ts). Hence the flush is idempotent, safe to run concurrently
 * with itself, and safe to rerun after being killed half-way: the batches written stand, the
 * rerun writes them all again with what Redis holds then. Last month is flushed all month long,
 * so its last increments and corrections (settled after the month turned) reach PostgreSQL.
 *
 * Each run is kept in UsageFlushRun (created first, so a run that died shows as never finished)
 * and logged.
 */
import { db } from "~/server/clients/db";
import { kv, type KeyValueStore } from "~/server/clients/redis";
import { logger } from "~/server/logger";
import { type Counter, MAX_SNAPSHOT_KEYS, readCounters, rowsOf, selectCounters } from "~/server/usage/counter-snapshot";
import { USAGE_COUNTER_PATTERN } from "~/server/usage/keys";
import { monthOf, previousMonth } from "~/server/usage/periods";
import { replayUsageFallbacks } from "~/server/usage/replay-fallbacks";
import { writeUsageRecords } from "~/server/usage/write-usage-records";

/** Counters per read and per statement, and the SCAN COUNT hint. */
export const FLUSH_BATCH_SIZE = 1000;

export interface UsageFlushOptions {
  /** Who started the run, kept with it: "qstash", "cli", "bench", "test". */
  trigger: string;
  store?: KeyValueStore;
  /** Decides the two months flushed (UTC). */
  now?: Date;
  batchSize?: number;
  /**
   * Called with each batch's number (from 0) after its values were read and before they are
   * written. Tests hold a flush there, or throw to kill it half-way; nothing else sets it.
   */
  beforeWrite?: (batch: number) => Promise<void>;
}

export type UsageFlushSummary = {
  runId: string;
  trigger: string;
  periods: string[];
  /** Fallback rows (usage recorded while Redis was down) added back to Redis before the pass. */
  replayed: number;
  /** Counters of those months read with a value. */
  counters: number;
  /** UsageRecord rows inserted or changed. */
  rowsWritten: number;
  /** Counters of organizations that no longer exist: not written. */
  orphaned: number;
  /** Counters whose row already held a value read later (by a concurrent flush): not written. */
  superseded: number;
  /** Keys matching the SCAN pattern that do not parse as a counter key. */
  malformed: number;
  /** Counters whose value is not a usage count (a stray `SET`): not written, logged. */
  invalidValues: number;
  /** Counters of older months, left to expire. */
  outsideWindow: number;
  /** SCAN steps, counter reads and statements: the data path's round trips. */
  roundTrips: number;
  batches: number;
  durationMs: number;
};

type Totals = Omit<UsageFlushSummary, "runId" | "trigger" | "periods" | "durationMs" | "replayed">;

/** Batches read and written at once: PostgreSQL writes one while the next is read and written. */
const IN_FLIGHT = 2;

type FlushContext = UsageFlushOptions & { store: KeyValueStore; totals: Totals };

/** Reads one batch and writes it at once, so the values written are as fresh as they can be. */
async function flushBatch(batch: Counter[], index: number, { store, totals, beforeWrite }: FlushContext) {
  const snapshot = await readCounters(store, batch.map((c) => c.key));
  totals.roundTrips++;
  const { rows, invalid } = rowsOf(batch, snapshot.values);
  if (invalid.length) logger.warn("usage flush: counters whose value is not a usage count were skipped", { keys: invalid.slice(0, 20), count: invalid.length });
  totals.invalidValues += invalid.length;
  await beforeWrite?.(index);
  const { written, orphaned } = await writeUsageRecords(rows, snapshot.readAt);
  if (rows.length) totals.roundTrips++;
  totals.batches++;
  totals.counters += rows.length;
  totals.rowsWritten += written;
  totals.orphaned += orphaned;
  totals.superseded += rows.length - written - orphaned;
}

/** Takes the first `size` counters out of `pending` (insertion order). */
function take(pending: Map<string, Counter>, size: number) {
  const batch: Counter[] = [];
  for (const [key, counter] of pending) {
    if (batch.length === size) break;
    batch.push(counter);
    pending.delete(key);
  }
  return batch;
}

/**
 * Runs batches IN_FLIGHT at a time. After a failure it starts none, lets those in flight finish
 * (their rows stand either way) and throws the first error.
 */
function batchRunner(context: FlushContext) {
  const inflight = new Set<Promise<void>>();
  let started = 0;
  let failure: { error: unknown } | undefined;
  const waitBelow = async (limit: number) => {
    while (inflight.size > limit && !failure) await Promise.race(inflight);
    if (failure) {
      await Promise.allSettled(inflight);
      throw failure.error;
    }
  };
  return {
    async start(batch: Counter[]) {
      await waitBelow(IN_FLIGHT - 1);
      const run: Promise<void> = flushBatch(batch, started++, context)
        .catch((error: unknown) => void (failure ??= { error }))
        .finally(() => inflight.delete(run));
      inflight.add(run);
    },
    finish: () => waitBelow(0),
  };
}

async function flushAll(periods: string[], context: FlushContext) {
  const size = Math.min(context.batchSize ?? FLUSH_BATCH_SIZE, MAX_SNAPSHOT_KEYS);
  const batches = batchRunner(context);
  // Keyed by the Redis key: SCAN may return a key twice, and one statement cannot update a row twice.
  const pending = new Map<string, Counter>();
  let cursor = "0";
  do {
    const [next, keys] = await context.store.scan(cursor, USAGE_COUNTER_PATTERN, size);
    context.totals.roundTrips++;
    const step = selectCounters(keys, periods);
    context.totals.malformed += step.malformed;
    context.totals.outsideWindow += step.outsideWindow;
    for (const counter of step.counters) pending.set(counter.key, counter);
    while (pending.size >= size) await batches.start(take(pending, size));
    cursor = next;
  } while (cursor !== "0");
  if (pending.size) await batches.start(take(pending, size));
  await batches.finish();
}

/** One flush run; returns its summary. A failure is recorded on the run, logged and thrown. */
export async function flushUsage(options: UsageFlushOptions): Promise<UsageFlushSummary> {
  const now = options.now ?? new Date();
  const periods = [monthOf(now), previousMonth(monthOf(now))];
  const started = performance.now();
  const run = await db.usageFlushRun.create({ data: { trigger: options.trigger }, select: { id: true } });
  const totals: Totals = { counters: 0, rowsWritten: 0, orphaned: 0, superseded: 0, malformed: 0, invalidValues: 0, outsideWindow: 0, roundTrips: 0, batches: 0 };
  const record = (error?: string) => {
    const durationMs = Math.round(performance.now() - started);
    const { counters, rowsWritten, roundTrips } = totals;
    return db.usageFlushRun
      .update({ where: { id: run.id }, data: { finishedAt: new Date(), counters, rowsWritten, roundTrips, replayed, durationMs, error: error ?? null } })
      .then(() => durationMs);
  };
  let replayed = 0;
  try {
    // Usage recorded in PostgreSQL while Redis was down goes back into the counters first.
    replayed = await replayUsageFallbacks();
    await flushAll(periods, { ...options, store: options.store ?? kv, totals });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const durationMs = await record(message.slice(0, 2000)).catch(() => undefined);
    logger.error("usage flush failed; the batches written stand, a rerun writes every counter again", { runId: run.id, durationMs, ...totals, error });
    throw error;
  }
  const summary: UsageFlushSummary = { runId: run.id, trigger: options.trigger, periods, ...totals, replayed, durationMs: await record() };
  logger.info("usage flush finished", summary);
  return summary;
}
