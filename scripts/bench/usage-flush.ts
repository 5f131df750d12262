/**
 * `npm run bench` (second part): the hourly usage flush over BENCH_COUNTERS (default 100,000)
 * monthly counters, half this month's and half last month's, each beside its daily hash as the
 * meter writes them (keys the SCAN must pass over). Real Redis in a database of its own
 * (BENCH_REDIS_URL, default redis://127.0.0.1:6379/5, emptied before and after: nothing else may
 * use it) and a fresh PostgreSQL database (TEST_DATABASE_ADMIN_URL or 127.0.0.1:5432, else the
 * embedded one). Runs the flush twice (first run inserts; then every counter
 * grows and the second run updates), checks that UsageRecord
 * equals Redis, prints counters/s and round trips beside the goal, and writes
 * .bench/usage-flush.json.
 */
import { cpus, loadavg } from "node:os";
import IORedis from "ioredis";
import { benchDatabase, writeResult } from "./lib";

const COUNTERS = Number(process.env.BENCH_COUNTERS ?? 100_000);
const GOAL_PER_SECOND = 20_000;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/5";

const database = await benchDatabase("flush");
const url = database.url;

// The app's store is the bench's Redis database; the app's modules read the environment when first imported.
Object.assign(process.env, { DATABASE_URL: url, REDIS_URL, UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "" });
const { db } = await import("../../src/server/clients/db");
const { flushUsage } = await import("../../src/server/jobs/usage-flush");
const { dailyKey, usageKey } = await import("../../src/server/usage/keys");
const { monthOf, previousMonth } = await import("../../src/server/usage/periods");

const redis = new IORedis(REDIS_URL);
const now = new Date();
const periods = [monthOf(now), previousMonth(monthOf(now))];
const orgs = Math.ceil(COUNTERS / periods.length);

/** Adds `by(i, p)` to every counter (and its daily hash) through pipelines; returns the sum added. */
async function addToCounters(by: (org: number, period: number) => number) {
  let total = 0n;
  for (let start = 1; start <= orgs; start += 5000) {
    const batch = redis.pipeline();
    for (let i = start; i < Math.min(start + 5000, orgs + 1); i++) {
      for (const [p, period] of periods.entries()) {
        const amount = by(i, p);
        total += BigInt(amount);
        batch.incrby(usageKey(`bench_org_${i}`, "gemini_tokens", period), amount);
        batch.hincrby(dailyKey(`bench_org_${i}`, "gemini_tokens", period), "01", amount);
      }
    }
    await batch.exec();
  }
  return total;
}

try {
  await redis.flushdb();
  await db.$executeRaw`INSERT INTO "Organization" ("id", "name", "updatedAt") SELECT 'bench_org_' || g, 'Bench ' || g, now() FROM generate_series(1, ${orgs}::int) g`;
  let counted = await addToCounters((i, p) => i * 3 + p);
  const runs = [];
  for (const name of ["first flush (inserts)", "second flush (every counter changed: updates)"]) {
    if (runs.length) counted += await addToCounters(() => 1);
    const summary = await flushUsage({ trigger: "bench", now });
    runs.push({
      name,
      counters: summary.counters,
      rowsWritten: summary.rowsWritten,
      roundTrips: summary.roundTrips,
      batches: summary.batches,
      durationMs: summary.durationMs,
      countersPerSecond: Math.round((summary.counters / summary.durationMs) * 1000),
      goalPerSecond: GOAL_PER_SECOND,
    });
  }
  const [check] = await db.$queryRaw<{ rows: number; total: string }[]>`SELECT count(*)::int AS "rows", sum("quantity")::text AS "total" FROM "UsageRecord"`;
  const matches = check!.rows === orgs * periods.length && BigInt(check!.total) === counted;
  // The machine's load beside the numbers: on a shared machine they say little without it.
  const machineLoad = { cpus: cpus().length, loadAverage1m: +loadavg()[0]!.toFixed(2) };
  const results = { date: new Date().toISOString(), node: process.version, ...machineLoad, counters: orgs * periods.length, keysInRedis: await redis.dbsize(), runs, usageRecordEqualsRedis: matches };
  console.table(runs);
  console.log(`UsageRecord equals Redis: ${matches ? "yes" : "NO"} (${check!.rows} rows); goal ≥ ${GOAL_PER_SECOND} counters/s: ${runs.every((r) => r.countersPerSecond >= GOAL_PER_SECOND) ? "met" : "NOT met"} (load average ${machineLoad.loadAverage1m} on ${machineLoad.cpus} CPUs)`);
  writeResult("usage-flush", results);
  if (!matches) process.exitCode = 1;
} finally {
  await redis.flushdb();
  redis.disconnect();
  await db.$disconnect();
  await database.drop();
}
// The app's store keeps its Redis connection open.
process.exit();
