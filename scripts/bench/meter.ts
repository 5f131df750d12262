/**
 * Check-and-record through the app's metering function (`consume`: EVALSHA of the meter script,
 * reply parsing, a fresh call id) against raw `EVAL` of the same script through the same client
 * library, at the same concurrency, in one run; goal: the app's throughput ≥ 0.75× raw. Uses its
 * own Redis database (BENCH_REDIS_URL, default db 9 of 127.0.0.1:6379, emptied at the end) and a
 * fresh PostgreSQL database. Writes .bench/meter.json.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import IORedis from "ioredis";
import { benchDatabase, summary, writeResult } from "./lib";

const CALLS = Number(process.env.BENCH_METER_CALLS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_METER_CONCURRENCY ?? 50);
const ROUNDS = 3;
const GOAL = 0.75;
const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/9";
const database = await benchDatabase("meter");
Object.assign(process.env, { DATABASE_URL: database.url, REDIS_URL: redisUrl, AUTH_SECRET: "bench-auth-secret-bench-auth-secret-0123456789" });
// The app's modules read the environment when first imported.
const { consume } = await import("../../src/server/usage/meter");
const { METER_SCRIPT } = await import("../../src/server/usage/meter-script");
const { dailyKey, limitKey, opKey, usageKey, USAGE_TTL_SECONDS, OP_MARK_TTL_SECONDS } = await import("../../src/server/usage/keys");
const { dayOf, monthOf } = await import("../../src/server/usage/periods");
const { registerUser } = await import("../../src/server/auth/register-user");
const { db } = await import("../../src/server/clients/db");
const raw = new IORedis(redisUrl);

/** `calls` operations, `concurrency` at a time; per-call latency and the wall time. */
async function pool(calls: number, concurrency: number, op: () => Promise<unknown>) {
  const samples: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < calls) {
        const t = performance.now();
        await op();
        samples.push(performance.now() - t);
      }
    }),
  );
  return { samples, wall: performance.now() - start };
}

try {
  const orgOf = async (tag: string) =>
    (await registerUser({ email: `bench-meter-${tag}-${Date.now()}@example.test`, password: "bench-password-1", name: tag })).organization.id;
  const appOrg = await orgOf("app");
  const rawOrg = await orgOf("raw");
  const now = new Date();
  const period = monthOf(now);
  const rawCall = () =>
    raw.eval(
      METER_SCRIPT.lua,
      4,
      usageKey(rawOrg, "gemini_tokens", period),
      dailyKey(rawOrg, "gemini_tokens", period),
      limitKey(rawOrg, "gemini_tokens", period),
      opKey(randomUUID()),
      "1",
      dayOf(now),
      String(USAGE_TTL_SECONDS),
      "0",
      "1",
      "100000000",
      String(OP_MARK_TTL_SECONDS),
    );
  const appCall = () => consume(appOrg, "gemini_tokens", 1);
  await pool(1_000, CONCURRENCY, appCall); // warm up: limit cached, script loaded, JIT
  // The raw calls run the script on the same state: the limit the app cached, so both check and
  // record (without it the script answers "limit unknown" and records nothing: less work).
  const cachedLimit = await raw.get(limitKey(appOrg, "gemini_tokens", period));
  if (cachedLimit === null) throw new Error("the app cached no limit during the warm-up");
  await raw.set(limitKey(rawOrg, "gemini_tokens", period), cachedLimit, "EX", 3600);
  await pool(1_000, CONCURRENCY, rawCall);
  const app: number[] = [];
  const rawSamples: number[] = [];
  let appWall = 0;
  let rawWall = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const a = await pool(CALLS, CONCURRENCY, appCall);
    const r = await pool(CALLS, CONCURRENCY, rawCall);
    app.push(...a.samples);
    rawSamples.push(...r.samples);
    appWall += a.wall;
    rawWall += r.wall;
  }
  const results = [summary("consume() through the app's metering", app, appWall), summary("raw EVAL of the same script", rawSamples, rawWall)];
  const ratio = +(results[0]!.perSecond / results[1]!.perSecond).toFixed(2);
  console.table(results);
  console.log(`app / raw throughput: ${ratio} (goal ≥ ${GOAL}) at concurrency ${CONCURRENCY}, ${ROUNDS} × ${CALLS} calls each`);
  writeResult("meter", { date: now.toISOString(), node: process.version, concurrency: CONCURRENCY, calls: CALLS * ROUNDS, results, ratio, goal: GOAL });
} finally {
  await raw.flushdb();
  raw.disconnect();
  await db.$disconnect();
  await database.drop();
  process.exit(0); // the app's Redis client keeps the event loop alive
}
