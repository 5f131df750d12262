import { afterAll, describe, expect, it, vi } from "vitest";

// This file's own Redis, so it can stop answering; the counter store is built from REDIS_URL.
const redis = await vi.hoisted(async () => (await import("~/test/redis-server")).useOwnRedis());

const { db } = await import("~/server/clients/db");
const { kv } = await import("~/server/clients/redis");
const { usageKey } = await import("~/server/usage/keys");
const { consume, replayIntoRedis } = await import("~/server/usage/meter");
const { meteringFailures } = await import("~/server/usage/fallback");
const { monthOf } = await import("~/server/usage/periods");
const { replayUsageFallbacks } = await import("~/server/usage/replay-fallbacks");
const { makeUser } = await import("~/test/factories");
const { untilStoreAnswers } = await import("~/test/redis-server");

afterAll(() => redis.close());

describe("metering while Redis does not answer", () => {
  it("lets requests through against PostgreSQL's view, loses nothing, and adds it back to Redis exactly once", async () => {
    const orgId = (await makeUser("Outage")).organization.id;
    const key = usageKey(orgId, "gemini_tokens", monthOf(new Date()));
    await consume(orgId, "gemini_tokens", 10);
    expect(await kv.get(key)).toBe("10");

    redis.pause();
    const failuresBefore = meteringFailures.count;
    const during = await Promise.allSettled([5, 5, 5].map((n) => consume(orgId, "gemini_tokens", n)));
    expect(during.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    // The fallback still enforces the limit, against the last flush plus what it recorded.
    await expect(consume(orgId, "gemini_tokens", 100_000)).rejects.toMatchObject({ code: "PAYMENT_REQUIRED" });
    expect(meteringFailures.count - failuresBefore).toBe(4);
    const rows = await db.usageFallback.findMany({ where: { organizationId: orgId } });
    expect(rows.map((r) => Number(r.quantity))).toEqual([5, 5, 5]);

    redis.resume();
    await untilStoreAnswers(kv);
    // (A flush in another test file may replay these rows too: each is still added once.)
    await replayUsageFallbacks();
    expect(await kv.get(key)).toBe("25");
    await replayUsageFallbacks();
    expect(await kv.get(key)).toBe("25");
    // A crash between adding a row and marking it: the rerun finds the marker and adds nothing.
    expect(await replayIntoRedis(rows[0]!)).toBe("already_added");
    expect(await kv.get(key)).toBe("25");
    expect(await db.usageFallback.count({ where: { organizationId: orgId, replayedAt: null } })).toBe(0);
  });

  it("records a crossing seen by the fallback once, and one only Redis's total shows at the replay", async () => {
    const period = monthOf(new Date());
    // A: flushed and live at 79,990; the fallback's view crosses 80 %, and so does the replay: one row.
    // B: nothing flushed, live at 79,990; only the replay into Redis shows the crossing: still recorded.
    const [a, b] = await Promise.all([makeUser("Alert A"), makeUser("Alert B")]).then((users) => users.map((u) => u.organization.id) as [string, string]);
    await db.usageRecord.create({ data: { organizationId: a, metric: "gemini_tokens", period, quantity: 79_990n, flushedAt: new Date() } });
    await Promise.all([a, b].map((org) => kv.set(usageKey(org, "gemini_tokens", period), "79990")));

    redis.pause();
    await Promise.all([a, b].map((org) => consume(org, "gemini_tokens", 20)));
    const thresholds = async (org: string) => (await db.usageAlert.findMany({ where: { organizationId: org } })).map((r) => [r.threshold, Number(r.usedAtCrossing)]);
    expect(await thresholds(a)).toEqual([[80, 80_010]]);
    expect(await thresholds(b)).toEqual([]);

    redis.resume();
    await untilStoreAnswers(kv);
    await replayUsageFallbacks();
    await replayUsageFallbacks();
    expect(await thresholds(a)).toEqual([[80, 80_010]]);
    expect(await thresholds(b)).toEqual([[80, 80_010]]);
  });
});
