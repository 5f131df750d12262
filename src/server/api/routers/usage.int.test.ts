import { describe, expect, it } from "vitest";
import { createCaller } from "~/server/api/root";
import { db } from "~/server/clients/db";
import { kv } from "~/server/clients/redis";
import { usageKey } from "~/server/usage/keys";
import { consume } from "~/server/usage/meter";
import { monthOf, previousMonth } from "~/server/usage/periods";
import { makeUser } from "~/test/factories";

const callerOf = (userId: string | null) => createCaller({ headers: new Headers(), userId });

describe("usage router", () => {
  it("reads current, history, daily and forecast of the member's org, all from the same live total", async () => {
    const user = await makeUser("Router");
    const orgId = user.organization.id;
    const now = new Date();
    const period = monthOf(now);
    await db.usageRecord.create({ data: { organizationId: orgId, metric: "gemini_tokens", period: previousMonth(period), quantity: 77_000n } });
    await Promise.all(Array.from({ length: 20 }, () => consume(orgId, "gemini_tokens", 100)));
    const caller = callerOf(user.user.id);

    const [current, history, daily, forecast] = await Promise.all([
      caller.usage.current({ orgId }),
      caller.usage.history({ orgId, months: 2 }),
      caller.usage.daily({ orgId }),
      caller.usage.forecast({ orgId }),
    ]);
    expect(current).toEqual([
      { metric: "gemini_tokens", current: 2_000, limit: 100_000, percentage: 2, unlimited: false },
      { metric: "projects", current: 0, limit: 3, percentage: 0, unlimited: false },
      { metric: "team_members", current: 1, limit: 1, percentage: 100, unlimited: false },
    ]);
    expect(history).toEqual([
      { period: previousMonth(period), current: 77_000 },
      { period, current: 2_000 },
    ]);
    expect(daily.period).toBe(period);
    expect(daily.days).toHaveLength(now.getUTCDate());
    expect(daily.days.reduce((sum, d) => sum + d.amount, 0) + daily.unattributed).toBe(2_000);
    expect(forecast).toMatchObject({ metric: "gemini_tokens", current: 2_000, limit: 100_000, period });
    expect((await caller.usage.history({ orgId })).map((m) => m.period)).toHaveLength(6);
  });

  it("dates the limit today once the total (set by hand, as the guide's redis-cli SET) has reached it", async () => {
    const user = await makeUser("At the limit");
    const orgId = user.organization.id;
    await kv.set(usageKey(orgId, "gemini_tokens", monthOf(new Date())), "100000");
    const forecast = await callerOf(user.user.id).usage.forecast({ orgId });
    expect(forecast).toMatchObject({ current: 100_000, limit: 100_000, limitReachedOn: new Date().toISOString().slice(0, 10) });
  });

  it("refuses strangers and signed-out callers, and bad input, before reading anything", async () => {
    const owner = await makeUser("Owner");
    const stranger = await makeUser("Stranger");
    const orgId = owner.organization.id;
    for (const call of [
      () => callerOf(stranger.user.id).usage.current({ orgId }),
      () => callerOf(stranger.user.id).usage.history({ orgId }),
      () => callerOf(stranger.user.id).usage.daily({ orgId }),
      () => callerOf(stranger.user.id).usage.forecast({ orgId }),
      () => callerOf(stranger.user.id).usage.alerts({ orgId }),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    await expect(callerOf(null).usage.current({ orgId })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(callerOf(owner.user.id).usage.history({ orgId, months: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(callerOf(owner.user.id).usage.history({ orgId, months: 25 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(callerOf(owner.user.id).usage.daily({ orgId, metric: "projects" as never })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
