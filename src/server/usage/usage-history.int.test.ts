import { describe, expect, it } from "vitest";
import { db } from "~/server/clients/db";
import { kv } from "~/server/clients/redis";
import { dailyKey, usageKey } from "~/server/usage/keys";
import { consume, recordUsage } from "~/server/usage/meter";
import { usageForecast } from "~/server/usage/usage-forecast";
import { dailyUsage, usageHistory } from "~/server/usage/usage-history";
import { makeUser } from "~/test/factories";

const at = (iso: string) => new Date(iso);
const flushed = (organizationId: string, period: string, quantity: bigint) =>
  db.usageRecord.create({ data: { organizationId, metric: "gemini_tokens", period, quantity, flushedAt: new Date() } });

describe("usage history", () => {
  it("reads past months from UsageRecord and this month from the counter, oldest first, 0 for a month without a record", async () => {
    const { organization } = await makeUser("History");
    const orgId = organization.id;
    await flushed(orgId, "2026-01", 42_000n);
    await flushed(orgId, "2026-03", 9_999n); // this month's last flush: the counter starts from it
    await consume(orgId, "gemini_tokens", 12_345, at("2026-03-04T10:00:00Z"));

    expect(await usageHistory(orgId, "gemini_tokens", 4, at("2026-03-20T00:00:00Z"))).toEqual([
      { period: "2025-12", current: 0 },
      { period: "2026-01", current: 42_000 },
      { period: "2026-02", current: 0 },
      { period: "2026-03", current: 9_999 + 12_345 },
    ]);
  });

  it("falls back to the flushed total for this month when Redis has lost the org's keys", async () => {
    const { organization } = await makeUser("Lost keys");
    const orgId = organization.id;
    await consume(orgId, "gemini_tokens", 300, at("2026-05-02T00:00:00Z"));
    await flushed(orgId, "2026-05", 300n);
    await Promise.all([kv.del(usageKey(orgId, "gemini_tokens", "2026-05")), kv.del(dailyKey(orgId, "gemini_tokens", "2026-05"))]);
    const now = at("2026-05-03T00:00:00Z");
    expect(await usageHistory(orgId, "gemini_tokens", 1, now)).toEqual([{ period: "2026-05", current: 300 }]);
    // The days are gone with the hash; the total is not, and shows as unattributed.
    expect(await dailyUsage(orgId, "gemini_tokens", now)).toEqual({
      period: "2026-05",
      days: [
        { date: "2026-05-01", amount: 0 },
        { date: "2026-05-02", amount: 0 },
        { date: "2026-05-03", amount: 0 },
      ],
      unattributed: 300,
    });
  });
});

describe("daily usage", () => {
  it("lists every day of the month up to today from the counter's daily hash, concurrent calls included", async () => {
    const { organization } = await makeUser("Daily");
    const orgId = organization.id;
    await Promise.all(Array.from({ length: 25 }, () => consume(orgId, "gemini_tokens", 40, at("2026-07-01T23:59:59Z"))));
    await recordUsage(orgId, "gemini_tokens", 7, at("2026-07-03T00:00:00Z"));

    const daily = await dailyUsage(orgId, "gemini_tokens", at("2026-07-04T12:00:00Z"));
    expect(daily).toEqual({
      period: "2026-07",
      days: [
        { date: "2026-07-01", amount: 1_000 },
        { date: "2026-07-02", amount: 0 },
        { date: "2026-07-03", amount: 7 },
        { date: "2026-07-04", amount: 0 },
      ],
      unattributed: 0,
    });
  });

  it("counts usage the total holds but no day does (a counter set by hand) as unattributed", async () => {
    const { organization } = await makeUser("By hand");
    const orgId = organization.id;
    await consume(orgId, "gemini_tokens", 1_000, at("2026-08-01T00:00:00Z"));
    await kv.set(usageKey(orgId, "gemini_tokens", "2026-08"), "85000");
    const daily = await dailyUsage(orgId, "gemini_tokens", at("2026-08-01T06:00:00Z"));
    expect(daily).toEqual({ period: "2026-08", days: [{ date: "2026-08-01", amount: 1_000 }], unattributed: 84_000 });
  });
});

describe("usage forecast", () => {
  it("projects the month end from the live total and the org's limit, and dates the crossing", async () => {
    const { organization } = await makeUser("Forecast");
    const orgId = organization.id;
    await consume(orgId, "gemini_tokens", 50_000, at("2026-03-05T00:00:00Z"));
    expect(await usageForecast(orgId, "gemini_tokens", at("2026-03-11T00:00:00Z"))).toEqual({
      metric: "gemini_tokens",
      current: 50_000,
      limit: 100_000,
      period: "2026-03",
      daysInMonth: 31,
      elapsedDays: 10,
      pacePerDay: 5_000,
      projected: 155_000,
      limitReachedOn: "2026-03-21",
    });
  });
});
