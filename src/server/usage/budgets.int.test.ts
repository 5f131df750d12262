import { describe, expect, it } from "vitest";
import { createCaller } from "~/server/api/root";
import { db } from "~/server/clients/db";
import { sendMessageRoute } from "~/server/rest/chat";
import { consume } from "~/server/usage/meter";
import { monthOf, nextMonthStart } from "~/server/usage/periods";
import {
  routeParams,
  setTokenCounter,
  skipAfterResponse,
  teamWithProject as team,
} from "~/test/chat";
import { jsonRequest, makeUser } from "~/test/factories";

const FREE_TOKENS = 100_000;
const callerOf = (userId: string) =>
  createCaller({ headers: new Headers(), userId });
const alertKeys = async (organizationId: string) =>
  (
    await db.usageAlert.findMany({
      where: { organizationId },
      orderBy: [{ limitType: "asc" }, { threshold: "asc" }],
    })
  ).map((a) => `${a.threshold}:${a.limitType}`);
const chat = async (token: string, projectId: string, content: string) => {
  const res = await sendMessageRoute(skipAfterResponse)(
    jsonRequest(`/api/chat/projects/${projectId}/message`, {
      token,
      body: { content },
    }),
    routeParams(projectId),
  );
  return { status: res.status, body: (await res.json()) as unknown };
};

describe("monthly budgets", () => {
  it("owner-only; a positive integer below the plan's limit (400 otherwise); reads for every member", async () => {
    const t = await team("Budget rules");
    const set = (userId: string, limit: number) =>
      callerOf(userId).usage.setBudget({
        orgId: t.orgId,
        metric: "gemini_tokens",
        limit,
      });
    await expect(set(t.admin.user.id, 50_000)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(set(t.member.user.id, 50_000)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(set(t.userId, FREE_TOKENS)).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(set(t.userId, 250_000)).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(set(t.userId, 0)).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(set(t.userId, 1.5)).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(
      await db.usageBudget.count({ where: { organizationId: t.orgId } }),
    ).toBe(0);

    expect(await set(t.userId, 50_000)).toEqual({
      metric: "gemini_tokens",
      budget: 50_000,
      planLimit: FREE_TOKENS,
    });
    expect(
      await callerOf(t.member.user.id).usage.budgets({ orgId: t.orgId }),
    ).toEqual({
      canSet: false,
      budgets: [
        {
          metric: "gemini_tokens",
          budget: 50_000,
          planLimit: FREE_TOKENS,
          updatedAt: expect.any(Date),
        },
      ],
    });
    expect(
      (await callerOf(t.userId).usage.budgets({ orgId: t.orgId })).canSet,
    ).toBe(true);
    await expect(
      callerOf(t.admin.user.id).usage.clearBudget({
        orgId: t.orgId,
        metric: "gemini_tokens",
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const stranger = await makeUser("Budget stranger");
    await expect(
      callerOf(stranger.user.id).usage.budgets({ orgId: t.orgId }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await callerOf(t.userId).usage.clearBudget({
      orgId: t.orgId,
      metric: "gemini_tokens",
    });
    expect(
      (await callerOf(t.userId).usage.budgets({ orgId: t.orgId })).budgets[0]!
        .budget,
    ).toBeNull();
  });

  it("is enforced at the budget through the chat endpoint (402 with limitType budget), alerted at 80 % and 100 % of it, and clearing it restores the plan's limit", async () => {
    const t = await team("Budgeted");
    const budget = 50_000;
    // A limit cached before the budget is set must not outlive it.
    await setTokenCounter(t.orgId, 1_000);
    await consume(t.orgId, "gemini_tokens", 1);
    await callerOf(t.userId).usage.setBudget({
      orgId: t.orgId,
      metric: "gemini_tokens",
      limit: budget,
    });

    await setTokenCounter(t.orgId, budget * 0.8 - 10);
    await consume(t.orgId, "gemini_tokens", 20);
    await consume(t.orgId, "gemini_tokens", budget - (budget * 0.8 + 10));
    expect(await alertKeys(t.orgId)).toEqual(["80:budget", "100:budget"]);

    const res = await chat(t.token, t.projectId, "Over budget");
    expect(res.status).toBe(402);
    expect(res.body).toEqual({
      error: "Quota exceeded",
      message: expect.stringContaining(
        "monthly budget of 50,000 Gemini tokens",
      ),
      quota: {
        metric: "gemini_tokens",
        current: budget,
        limit: budget,
        percentage: 100,
        limitType: "budget",
      },
      upgradeUrl: "/billing/upgrade",
      resetsAt: nextMonthStart(new Date()).toISOString(),
    });

    const period = monthOf(new Date());
    const emails = await db.notification.findMany({
      where: { organizationId: t.orgId, kind: "usage-alert" },
      orderBy: [{ dedupeKey: "asc" }, { recipient: "asc" }],
    });
    expect(
      emails
        .filter((r) => r.recipient === t.ownerEmail)
        .map((r) => [r.dedupeKey, r.subject]),
    ).toEqual([
      [
        `usage-alert:${t.orgId}:gemini_tokens:${period}:100:budget`,
        expect.stringMatching(
          /has reached its monthly budget of Gemini tokens$/,
        ),
      ],
      [
        `usage-alert:${t.orgId}:gemini_tokens:${period}:80:budget`,
        expect.stringMatching(
          /has used 80% of its monthly budget of Gemini tokens$/,
        ),
      ],
    ]);
    expect(emails.filter((r) => r.recipient === t.optedOut.email)).toEqual([]);

    // Usage reads show the limit in force: the budget.
    expect(
      (await callerOf(t.member.user.id).usage.current({ orgId: t.orgId }))[0],
    ).toMatchObject({
      metric: "gemini_tokens",
      current: budget,
      limit: budget,
      percentage: 100,
    });

    await callerOf(t.userId).usage.clearBudget({
      orgId: t.orgId,
      metric: "gemini_tokens",
    });
    expect(await consume(t.orgId, "gemini_tokens", 100)).toEqual({
      current: budget + 100,
      limit: FREE_TOKENS,
    });
    expect(
      (await callerOf(t.member.user.id).usage.current({ orgId: t.orgId }))[0],
    ).toMatchObject({ limit: FREE_TOKENS });
  });
});
