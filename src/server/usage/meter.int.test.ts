import { guideTokenQuota402 } from "~/test/quota";
import { describe, expect, it } from "vitest";
import { db } from "~/server/clients/db";
import { kv } from "~/server/clients/redis";
import { jsonRoute } from "~/server/rest/json-route";
import { dailyKey, limitKey, usageKey } from "~/server/usage/keys";
import { consume, reserve } from "~/server/usage/meter";
import { monthOf } from "~/server/usage/periods";
import { currentUsage } from "~/server/usage/read-usage";
import { makeOwner, subscribe } from "~/test/billing";
import { makeUser } from "~/test/factories";
import { inTimeZone } from "~/test/time-zone";

const FREE_TOKENS = 100_000;
const org = async () => (await makeUser("Metered")).organization.id;
const counter = async (orgId: string, now = new Date()) => Number(await kv.get(usageKey(orgId, "gemini_tokens", monthOf(now))));

describe("metering gemini_tokens", () => {
  it("10,000 concurrent records of 1 count exactly 10,000, in the counter and the day's breakdown", async () => {
    const orgId = await org();
    const results = await Promise.allSettled(Array.from({ length: 10_000 }, () => consume(orgId, "gemini_tokens", 1)));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(await counter(orgId)).toBe(10_000);
    expect(await db.usageFallback.count({ where: { organizationId: orgId } })).toBe(0); // all through Redis
    const daily = await kv.hgetall(dailyKey(orgId, "gemini_tokens", monthOf(new Date())));
    expect(Object.values(daily).reduce((sum, v) => sum + Number(v), 0)).toBe(10_000);
  });

  it("at the limit − 1, 100 concurrent consumes of 1: exactly one succeeds, the rest get the guide's 402", async () => {
    const orgId = await org();
    await kv.set(usageKey(orgId, "gemini_tokens", monthOf(new Date())), String(FREE_TOKENS - 1));
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => consume(orgId, "gemini_tokens", 1)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refusals = results.flatMap((r) => (r.status === "rejected" ? [r.reason as { code: string }] : []));
    expect(refusals).toHaveLength(99);
    expect(refusals.every((e) => e.code === "PAYMENT_REQUIRED")).toBe(true);
    expect(await counter(orgId)).toBe(FREE_TOKENS);
  });

  it("a counter set by hand (redis-cli SET) blocks the very next call with exactly the guide's body, resetsAt and Retry-After", async () => {
    const orgId = await org();
    const now = new Date("2026-11-29T22:00:00Z");
    await kv.set(usageKey(orgId, "gemini_tokens", "2026-11"), "101000");
    const res = await jsonRoute(async () => Response.json(await consume(orgId, "gemini_tokens", 1, now)))(new Request("http://localhost/x"));
    expect(res.status).toBe(402);
    expect(await res.json()).toEqual(guideTokenQuota402(101000, 100000, "2026-12-01T00:00:00.000Z"));
    expect(res.headers.get("retry-after")).toBe(String(26 * 3600)); // to 2026-12-01T00:00Z
    expect(await counter(orgId, now)).toBe(101000);
  });

  it("a reservation holds its estimate, then settles to the real cost or is given back, once", async () => {
    const orgId = await org();
    const held = await reserve(orgId, "gemini_tokens", 1_000);
    expect(await counter(orgId)).toBe(1_000);
    expect(await held.settle(420)).toMatchObject({ current: 420 });
    await held.settle(999);
    await held.release();
    expect(await counter(orgId)).toBe(420);
    const failed = await reserve(orgId, "gemini_tokens", 500);
    await failed.release();
    await failed.release();
    expect(await counter(orgId)).toBe(420);
    await expect(reserve(orgId, "gemini_tokens", FREE_TOKENS)).rejects.toMatchObject({ code: "PAYMENT_REQUIRED" });
    expect(await counter(orgId)).toBe(420);
  });

  it("credits raise the limit; an unlimited limit never blocks but still counts", async () => {
    const orgId = await org();
    const period = monthOf(new Date());
    await db.billingCredit.create({ data: { organizationId: orgId, metric: "gemini_tokens", quantity: 5_000n, period, reason: "support" } });
    await db.billingCredit.create({
      data: { organizationId: orgId, metric: "gemini_tokens", quantity: 9_999n, period, reason: "expired", expiresAt: new Date(Date.now() - 1000) },
    });
    await kv.set(usageKey(orgId, "gemini_tokens", period), String(FREE_TOKENS));
    expect(await consume(orgId, "gemini_tokens", 5_000)).toEqual({ current: FREE_TOKENS + 5_000, limit: FREE_TOKENS + 5_000 });
    await expect(consume(orgId, "gemini_tokens", 1)).rejects.toMatchObject({ code: "PAYMENT_REQUIRED" });

    await kv.set(limitKey(orgId, "gemini_tokens", period), "-1", 60);
    expect(await consume(orgId, "gemini_tokens", 1_000_000)).toEqual({ current: FREE_TOKENS + 1_005_000, limit: null });
  });

  it("a new plan applies at the next request: the sync drops the cached limit", async () => {
    const o = await makeOwner();
    await consume(o.orgId, "gemini_tokens", 1); // caches Free's 100,000
    await expect(consume(o.orgId, "gemini_tokens", 150_000)).rejects.toMatchObject({ code: "PAYMENT_REQUIRED" });
    await subscribe(o); // Pro trial: 2,000,000
    expect(await consume(o.orgId, "gemini_tokens", 150_000)).toEqual({ current: 150_001, limit: 2_000_000 });
  });

  it("a counter Redis lost is seeded from the last flush, never reset to 0", async () => {
    const orgId = await org();
    const period = monthOf(new Date());
    await consume(orgId, "gemini_tokens", 700);
    await db.usageRecord.create({ data: { organizationId: orgId, metric: "gemini_tokens", period, quantity: 700n, flushedAt: new Date() } });
    await kv.del(usageKey(orgId, "gemini_tokens", period)); // what FLUSHALL does to this org
    expect((await currentUsage(orgId)).find((u) => u.metric === "gemini_tokens")).toMatchObject({ current: 700, limit: FREE_TOKENS });
    expect(await consume(orgId, "gemini_tokens", 1)).toMatchObject({ current: 701 });
    expect(await counter(orgId)).toBe(701);
  });

  it.each(["Pacific/Kiritimati", "America/Los_Angeles"])("under TZ=%s, 23:59:59.999 UTC on a month's last day and 00:00 the next land in different months", (zone) =>
    inTimeZone(zone, async () => {
      expect(new Date("2026-01-31T23:59:59.999Z").getHours()).not.toBe(23); // the zone is in force: local time is not UTC
      const orgId = await org();
      await consume(orgId, "gemini_tokens", 3, new Date("2026-01-31T23:59:59.999Z"));
      await consume(orgId, "gemini_tokens", 4, new Date("2026-02-01T00:00:00.000Z"));
      expect(await kv.get(usageKey(orgId, "gemini_tokens", "2026-01"))).toBe("3");
      expect(await kv.get(usageKey(orgId, "gemini_tokens", "2026-02"))).toBe("4");
      expect(await kv.hgetall(dailyKey(orgId, "gemini_tokens", "2026-01"))).toEqual({ "31": "3" });
      expect(await kv.hgetall(dailyKey(orgId, "gemini_tokens", "2026-02"))).toEqual({ "01": "4" });
    }),
  );
});
