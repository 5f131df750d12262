import IORedis from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { startUpstashRedisBridge, type UpstashRedisBridge } from "../../../e2e/stand-ins/upstash-redis/server";
import { env } from "~/env";
import { db } from "~/server/clients/db";
import { memoryStore } from "~/server/clients/key-value-store";
import { createStore, type KeyValueStore } from "~/server/clients/redis";
import { flushUsage, type UsageFlushOptions } from "~/server/jobs/usage-flush";
import { dailyKey, limitKey, USAGE_TTL_SECONDS, usageKey } from "~/server/usage/keys";
import { monthOf, previousMonth } from "~/server/usage/periods";

// A Redis database of this file's own, so the flush's SCAN sees only the counters written here
// (other test files and helpers count in database 0); each test deletes what it wrote.
const redisUrl = (() => {
  const url = new URL(env.REDIS_URL ?? "redis://127.0.0.1:6379");
  url.pathname = "/13";
  return url.toString();
})();
const UPSTASH_TOKEN = "usage-flush-test-token";
const raw = new IORedis(redisUrl);
let bridge: UpstashRedisBridge;
beforeAll(async () => {
  bridge = await startUpstashRedisBridge({ redisUrl, token: UPSTASH_TOKEN });
});
afterAll(async () => {
  await bridge.close();
  raw.disconnect();
});

const written = new Set<string>();
afterEach(async () => {
  if (written.size) await raw.del(...written);
  written.clear();
});
const track = (key: string) => (written.add(key), key);
/** Redis's clock, in the milliseconds UsageRecord keeps. */
const redisMs = async () => {
  const [seconds, micros] = await raw.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
};

const METRIC = "gemini_tokens";
const NOW = new Date();
const THIS_MONTH = monthOf(NOW);
const LAST_MONTH = previousMonth(THIS_MONTH);

async function makeOrgs(count: number) {
  const orgs = await db.organization.createManyAndReturn({ data: Array.from({ length: count }, (_, i) => ({ name: `Flush ${i}` })), select: { id: true } });
  return orgs.map((o) => o.id);
}

/** Every in-window counter of `orgIds` in Redis, as UsageRecord should hold it. */
async function redisCounters(orgIds: string[]) {
  const keys = orgIds.flatMap((id) => [THIS_MONTH, LAST_MONTH].map((period) => ({ id, period, key: usageKey(id, METRIC, period) })));
  const values = await raw.mget(...keys.map((k) => k.key));
  return keys.flatMap((k, i) => (values[i] === null ? [] : [`${k.id} ${k.period} ${values[i]}`])).sort();
}
async function records(orgIds: string[]) {
  const rows = await db.usageRecord.findMany({ where: { organizationId: { in: orgIds } }, select: { organizationId: true, period: true, quantity: true } });
  return rows.map((r) => `${r.organizationId} ${r.period} ${r.quantity}`).sort();
}

const backEnds: { name: string; store: () => KeyValueStore }[] = [
  { name: "plain Redis (ioredis)", store: () => createStore({ redisUrl }) },
  { name: "Upstash over REST (@upstash/redis against the bridge)", store: () => createStore({ upstashUrl: bridge.url, upstashToken: UPSTASH_TOKEN }) },
];

describe.each(backEnds)("the usage flush on $name", ({ store: makeStore }) => {
  let store: KeyValueStore;
  beforeAll(() => {
    store = makeStore();
  });
  const flush = (options: Partial<UsageFlushOptions> = {}) => flushUsage({ trigger: "test", store, now: NOW, ...options });

  it("10,000 concurrent records of 1 → exactly 10,000 in Redis and, after a flush, in UsageRecord", async () => {
    const [org] = await makeOrgs(1);
    const key = track(usageKey(org!, METRIC, THIS_MONTH));
    await Promise.all(Array.from({ length: 10_000 }, () => store.incrWithTtl(key, 1, USAGE_TTL_SECONDS)));
    expect(await raw.get(key)).toBe("10000");

    await flush();
    const record = await db.usageRecord.findUniqueOrThrow({ where: { organizationId_metric_period: { organizationId: org!, metric: METRIC, period: THIS_MONTH } } });
    expect(record.quantity).toBe(10_000n);
  });

  it("three concurrent flushes, plus one killed half-way and rerun → UsageRecord equals Redis exactly", async () => {
    const orgs = await makeOrgs(300);
    // 600 counters over both months: six batches of 100.
    await raw.mset(
      Object.fromEntries(
        orgs.flatMap((id, i) => [
          [track(usageKey(id, METRIC, THIS_MONTH)), String(1000 + i * 7)],
          [track(usageKey(id, METRIC, LAST_MONTH)), String(50_000 + i)],
        ]),
      ),
    );
    const killAtFourthBatch = async (batch: number) => {
      if (batch === 3) throw new Error("killed half-way");
    };
    const killed = flush({ batchSize: 100, beforeWrite: killAtFourthBatch });
    await expect(killed).rejects.toThrow("killed half-way");
    // The batches written before it died stand (batches 0–2, and 4 if it was already under way); the rest never were.
    const partial = (await records(orgs)).length;
    expect([300, 400]).toContain(partial);
    const run = await db.usageFlushRun.findFirstOrThrow({ where: { error: "killed half-way" }, orderBy: { startedAt: "desc" } });
    expect(run).toMatchObject({ trigger: "test", rowsWritten: partial, counters: partial });
    expect(run.finishedAt).not.toBeNull();

    // Usage goes on, up and down (a reservation released), before the next flushes.
    for (const id of orgs.slice(0, 150)) await raw.incrby(usageKey(id, METRIC, THIS_MONTH), 25);
    for (const id of orgs.slice(150)) await raw.set(usageKey(id, METRIC, LAST_MONTH), "3");

    const runs = await Promise.allSettled([flush({ batchSize: 100 }), flush({ batchSize: 100 }), flush({ batchSize: 100 }), flush({ batchSize: 100 })]);
    expect(runs.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "fulfilled"]);
    expect(await records(orgs)).toEqual(await redisCounters(orgs));
    expect(await records(orgs)).toHaveLength(600);
  });

  it("a flush that read before a counter changed never writes over a flush that read after it, whether the counter went up or down", async () => {
    const [org] = await makeOrgs(1);
    const down = track(usageKey(org!, METRIC, THIS_MONTH));
    const up = track(usageKey(org!, METRIC, LAST_MONTH));
    await raw.set(down, "10");
    await raw.set(up, "5");

    // The first flush reads, then stalls before writing (a slow function, a busy database).
    let reached!: () => void;
    const stalled = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = flush({ beforeWrite: async () => (reached(), held) });
    await stalled;
    // UsageRecord keeps milliseconds: the newer read must fall in a later millisecond of Redis's clock.
    const readBy = await redisMs();
    while ((await redisMs()) <= readBy);

    await raw.set(down, "4"); // a reservation released
    await raw.incrby(up, 4);
    const fresh = await flush();
    expect(fresh.rowsWritten).toBe(2);
    release();
    const late = await slow;

    expect(await records([org!])).toEqual([`${org} ${LAST_MONTH} 9`, `${org} ${THIS_MONTH} 4`].sort());
    expect(late).toMatchObject({ counters: 2, rowsWritten: 0, superseded: 2 });
  });

  it("writes this month and last month only, skips keys and values that are not counters and counters of organizations that are gone, and keeps the run", async () => {
    // January: last month is December of the year before.
    const january = new Date("2027-01-15T10:00:00Z");
    const [org, other] = await makeOrgs(2);
    await raw.set(track(usageKey(org!, METRIC, "2027-01")), "5");
    await raw.set(track(usageKey(org!, METRIC, "2026-12")), "7");
    await raw.set(track(usageKey(org!, METRIC, "2026-11")), "9"); // older: left to expire
    await raw.hset(track(dailyKey(org!, METRIC, "2027-01")), "15", "5"); // not a monthly counter
    await raw.set(track(limitKey(org!, METRIC, "2027-01")), "100000"); // not a counter
    await raw.set(track(`usage:org:${org}:metric:gemini:tokens:2027-01`), "3"); // matches the pattern, does not parse
    await raw.set(track(usageKey(other!, METRIC, "2027-01")), "12abc"); // not a count
    await raw.set(track(usageKey("org_that_was_deleted", METRIC, "2027-01")), "4"); // its organization is gone

    const logs = vi.spyOn(console, "log");
    onTestFinished(() => logs.mockRestore());
    const summary = await flush({ now: january });

    expect(summary).toMatchObject({
      periods: ["2027-01", "2026-12"],
      counters: 3,
      rowsWritten: 2,
      orphaned: 1,
      superseded: 0,
      malformed: 1,
      invalidValues: 1,
      outsideWindow: 1,
      batches: 1,
      roundTrips: 3, // one SCAN step, one read, one statement
    });
    const rows = await db.usageRecord.findMany({ where: { organizationId: { in: [org!, other!] } }, orderBy: { period: "asc" } });
    expect(rows.map((r) => [r.organizationId, r.period, r.quantity])).toEqual([
      [org, "2026-12", 7n],
      [org, "2027-01", 5n],
    ]);
    expect(rows.every((r) => r.flushedAt !== null)).toBe(true);

    const run = await db.usageFlushRun.findUniqueOrThrow({ where: { id: summary.runId } });
    expect(run).toMatchObject({ trigger: "test", counters: 3, rowsWritten: 2, roundTrips: 3, durationMs: summary.durationMs, error: null });
    expect(run.finishedAt).not.toBeNull();
    const logged = logs.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>).find((l) => l.message === "usage flush finished");
    expect(logged).toMatchObject({ level: "info", runId: summary.runId, counters: 3, rowsWritten: 2, roundTrips: 3 });
  });
});

describe("the usage flush on the in-process store", () => {
  it("writes a counter that SCAN returns more than once (Redis may, during a rehash) once per statement", async () => {
    const [org] = await makeOrgs(1);
    const base = memoryStore();
    await base.set(usageKey(org!, METRIC, THIS_MONTH), "42");
    await base.set(usageKey(org!, METRIC, LAST_MONTH), "41");
    // Three SCAN steps, each returning every key again.
    let steps = 0;
    const store: KeyValueStore = {
      ...base,
      async scan(_cursor, match, count) {
        const [, keys] = await base.scan("0", match, count);
        return [++steps < 3 ? String(steps) : "0", keys];
      },
    };
    const summary = await flushUsage({ trigger: "test", store, now: NOW });
    expect(summary).toMatchObject({ counters: 2, rowsWritten: 2, batches: 1, roundTrips: 5 });
    expect(await records([org!])).toEqual([`${org} ${LAST_MONTH} 41`, `${org} ${THIS_MONTH} 42`].sort());
  });
});
