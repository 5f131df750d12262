import { describe, expect, it } from "vitest";
import { createCaller } from "~/server/api/root";
import { db } from "~/server/clients/db";
import { kv } from "~/server/clients/redis";
import { sendMessageRoute } from "~/server/rest/chat";
import { legacyLimitKey, limitKey } from "~/server/usage/keys";
import { cacheLimitIfCurrent, encodeLimit, forgetLimits, limitAndType, limitGeneration } from "~/server/usage/limits";
import { consume } from "~/server/usage/meter";
import { monthOf, nextMonthStart } from "~/server/usage/periods";
import { routeParams, setTokenCounter, skipAfterResponse, teamWithProject as team } from "~/test/chat";
import { jsonRequest, makeUser } from "~/test/factories";

const FREE_TOKENS = 100_000;
const callerOf = (userId: string) => createCaller({ headers: new Headers(), userId });
const alertKeys = async (organizationId: string) =>
  (await db.usageAlert.findMany({ where: { organizationId }, orderBy: [{ limitType: "asc" }, { threshold: "asc" }] })).map((a) => `${a.threshold}:${a.limitType}`);
const chat = async (token: string, projectId: string, content: string) => {
  const res = await sendMessageRoute(skipAfterResponse)(jsonRequest(`/api/chat/projects/${projectId}/message`, { token, body: { content } }), routeParams(projectId));
  return { status: res.status, body: (await res.json()) as unknown };
};

describe("monthly budgets", () => {
  it("owner-only; a positive integer below the plan's limit (400 otherwise); reads for every member", async () => {
    const t = await team("Budget rules");
    const set = (userId: string, limit: number) => callerOf(userId).usage.setBudget({ orgId: t.orgId, metric: "gemini_tokens", limit });
    await expect(set(t.admin.user.id, 50_000)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(set(t.member.user.id, 50_000)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(set(t.userId, FREE_TOKENS)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(set(t.userId, 250_000)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(set(t.userId, 0)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(set(t.userId, 1.5)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await db.usageBudget.count({ where: { organizationId: t.orgId } })).toBe(0);

    expect(await set(t.userId, 50_000)).toEqual({ metric: "gemini_tokens", budget: 50_000, planLimit: FREE_TOKENS });
    expect(await callerOf(t.member.user.id).usage.budgets({ orgId: t.orgId })).toEqual({
      canSet: false,
      budgets: [{ metric: "gemini_tokens", budget: 50_000, planLimit: FREE_TOKENS, updatedAt: expect.any(Date) }],
    });
    expect((await callerOf(t.userId).usage.budgets({ orgId: t.orgId })).canSet).toBe(true);
    await expect(callerOf(t.admin.user.id).usage.clearBudget({ orgId: t.orgId, metric: "gemini_tokens" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const stranger = await makeUser("Budget stranger");
    await expect(callerOf(stranger.user.id).usage.budgets({ orgId: t.orgId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await callerOf(t.userId).usage.clearBudget({ orgId: t.orgId, metric: "gemini_tokens" });
    expect((await callerOf(t.userId).usage.budgets({ orgId: t.orgId })).budgets[0]!.budget).toBeNull();
  });

  it("is enforced at the budget through the chat endpoint (402 with limitType budget), alerted at 80 % and 100 % of it, and clearing it restores the plan's limit", async () => {
    const t = await team("Budgeted");
    const budget = 50_000;
    // A limit cached before the budget is set must not outlive it.
    await setTokenCounter(t.orgId, 1_000);
    await consume(t.orgId, "gemini_tokens", 1);
    await callerOf(t.userId).usage.setBudget({ orgId: t.orgId, metric: "gemini_tokens", limit: budget });

    await setTokenCounter(t.orgId, budget * 0.8 - 10);
    await consume(t.orgId, "gemini_tokens", 20);
    await consume(t.orgId, "gemini_tokens", budget - (budget * 0.8 + 10));
    expect(await alertKeys(t.orgId)).toEqual(["80:budget", "100:budget"]);

    const res = await chat(t.token, t.projectId, "Over budget");
    expect(res.status).toBe(402);
    expect(res.body).toEqual({
      error: "Quota exceeded",
      message: expect.stringContaining("monthly budget of 50,000 Gemini tokens"),
      quota: { metric: "gemini_tokens", current: budget, limit: budget, percentage: 100, limitType: "budget" },
      upgradeUrl: "/billing/upgrade",
      budgetUrl: "/dashboard/billing",
      resetsAt: nextMonthStart(new Date()).toISOString(),
    });

    const period = monthOf(new Date());
    const emails = await db.notification.findMany({ where: { organizationId: t.orgId, kind: "usage-alert" }, orderBy: [{ dedupeKey: "asc" }, { recipient: "asc" }] });
    expect(emails.filter((r) => r.recipient === t.ownerEmail).map((r) => [r.dedupeKey, r.subject])).toEqual([
      [`usage-alert:${t.orgId}:gemini_tokens:${period}:100:budget:${budget}`, expect.stringMatching(/has reached its monthly budget of Gemini tokens$/)],
      [`usage-alert:${t.orgId}:gemini_tokens:${period}:80:budget:${budget}`, expect.stringMatching(/has used 80% of its monthly budget of Gemini tokens$/)],
    ]);
    expect(emails.filter((r) => r.recipient === t.optedOut.email)).toEqual([]);
    // The budget email's button leads to where the budget is changed, not to an upgrade.
    const budgetEmail = emails.find((r) => r.recipient === t.ownerEmail)!;
    expect(budgetEmail.html).toContain("Review the budget");
    expect(budgetEmail.html).toContain("/dashboard/billing");
    expect(budgetEmail.html).not.toContain("Upgrade your plan");

    // Usage reads show the limit in force: the budget.
    expect((await callerOf(t.member.user.id).usage.current({ orgId: t.orgId }))[0]).toMatchObject({ metric: "gemini_tokens", current: budget, limit: budget, percentage: 100 });

    await callerOf(t.userId).usage.clearBudget({ orgId: t.orgId, metric: "gemini_tokens" });
    expect(await consume(t.orgId, "gemini_tokens", 100)).toEqual({ current: budget + 100, limit: FREE_TOKENS });
    expect((await callerOf(t.member.user.id).usage.current({ orgId: t.orgId }))[0]).toMatchObject({ limit: FREE_TOKENS });
  });

  it("a budget lives under a key older instances never read: theirs keeps a bare number, and a limit change drops both", async () => {
    const t = await team("Rolling");
    const period = monthOf(new Date());
    await callerOf(t.userId).usage.setBudget({
      orgId: t.orgId,
      metric: "gemini_tokens",
      limit: 40_000,
    });
    await setTokenCounter(t.orgId, 1_000);
    await consume(t.orgId, "gemini_tokens", 1);
    expect(await kv.get(limitKey(t.orgId, "gemini_tokens", period))).toBe("40000b");
    // An older instance's script reads `…:limit:…` with tonumber(): a "b" there would fail its calls.
    expect(limitKey(t.orgId, "gemini_tokens", period)).not.toBe(legacyLimitKey(t.orgId, "gemini_tokens", period));
    expect(await kv.get(legacyLimitKey(t.orgId, "gemini_tokens", period))).toBeNull();
    // What an older instance cached is dropped by a limit change too (it then reads the new plan).
    await kv.set(legacyLimitKey(t.orgId, "gemini_tokens", period), String(FREE_TOKENS), 60);
    await forgetLimits(t.orgId);
    expect(await kv.get(legacyLimitKey(t.orgId, "gemini_tokens", period))).toBeNull();
    expect(await kv.get(limitKey(t.orgId, "gemini_tokens", period))).toBeNull();
  });

  it("a limit computed before a budget was set cannot be cached after it: the budget applies at the next request", async () => {
    const t = await team("Stale cache");
    const period = monthOf(new Date());
    await setTokenCounter(t.orgId, 30_000);
    // A cache miss in flight: it read the generation and the rows before the budget existed…
    const generation = await limitGeneration(t.orgId);
    const stale = encodeLimit(await limitAndType(t.orgId, "gemini_tokens"));
    expect(stale).toBe(String(FREE_TOKENS));
    await callerOf(t.userId).usage.setBudget({
      orgId: t.orgId,
      metric: "gemini_tokens",
      limit: 30_000,
    });
    // …and writes after setBudget returned: refused, the generation moved.
    expect(await cacheLimitIfCurrent(t.orgId, "gemini_tokens", period, stale, generation)).toBe(false);
    expect(await kv.get(limitKey(t.orgId, "gemini_tokens", period))).toBeNull();
    await expect(consume(t.orgId, "gemini_tokens", 1)).rejects.toMatchObject({
      code: "PAYMENT_REQUIRED",
      details: { quota: { limitType: "budget", limit: 30_000 } },
    });
    // A write with the current generation is accepted.
    expect(await cacheLimitIfCurrent(t.orgId, "gemini_tokens", period, "30000b", await limitGeneration(t.orgId))).toBe(true);
  });

  it("a budget changed mid-month alerts at its new thresholds; one set below the usage records the thresholds already reached, once", async () => {
    const t = await team("Moving budget");
    const period = monthOf(new Date());
    const set = (limit: number) =>
      callerOf(t.userId).usage.setBudget({
        orgId: t.orgId,
        metric: "gemini_tokens",
        limit,
      });
    const alerts = async () =>
      (
        await db.usageAlert.findMany({
          where: { organizationId: t.orgId },
          orderBy: [{ createdAt: "asc" }, { threshold: "asc" }],
        })
      ).map((a) => `${a.threshold}:${a.limitType}:${a.limitAtCrossing}`);

    await setTokenCounter(t.orgId, 45_000);
    // 90 % of the new budget: no later call would cross 80 %, so it is recorded now.
    await set(50_000);
    expect(await alerts()).toEqual(["80:budget:50000"]);
    await Promise.all([set(50_000), set(50_000)]);
    expect(await alerts()).toEqual(["80:budget:50000"]);

    await consume(t.orgId, "gemini_tokens", 5_000);
    expect(await alerts()).toEqual(["80:budget:50000", "100:budget:50000"]);

    // Raised: 50,000 is 55 % of 90,000; crossing its 80 % is a new alert.
    await set(90_000);
    expect(await alerts()).toHaveLength(2);
    await consume(t.orgId, "gemini_tokens", 22_000);
    expect(await alerts()).toEqual(["80:budget:50000", "100:budget:50000", "80:budget:90000"]);
    const keys = (
      await db.notification.findMany({
        where: { organizationId: t.orgId, recipient: t.ownerEmail },
        select: { dedupeKey: true },
        orderBy: { dedupeKey: "asc" },
      })
    ).map((n) => n.dedupeKey);
    expect(keys).toEqual([
      `usage-alert:${t.orgId}:gemini_tokens:${period}:100:budget:50000`,
      `usage-alert:${t.orgId}:gemini_tokens:${period}:80:budget:50000`,
      `usage-alert:${t.orgId}:gemini_tokens:${period}:80:budget:90000`,
    ]);
  });
});
