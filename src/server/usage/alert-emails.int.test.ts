import { beforeEach, describe, expect, it, vi } from "vitest";
import { createCaller } from "~/server/api/root";
import { MAX_OUTPUT_TOKENS } from "~/server/chat/token-hold";
import { db } from "~/server/clients/db";
import { usageAlertUnsubscribe } from "~/server/notifications/unsubscribe";
import { sendDueNotifications } from "~/server/notifications/send";
import { createProject } from "~/server/projects/projects";
import { sendMessageRoute } from "~/server/rest/chat";
import { consume } from "~/server/usage/meter";
import { monthOf, nextMonthStart } from "~/server/usage/periods";
import { afterResponse, projectOwner, routeParams, setTokenCounter } from "~/test/chat";
import { jsonRequest, makeUser } from "~/test/factories";
import { sendGridStandIn } from "~/test/sendgrid";

// The sender drains its whole database's outbox: this file has a database of its own.
await vi.hoisted(async () => (await import("~/test/isolated-billing")).startIsolatedBilling("alert_emails"));

const FREE_TOKENS = 100_000;
const standIn = sendGridStandIn();
beforeEach(() => standIn.reset());

const callerOf = (userId: string) => createCaller({ headers: new Headers(), userId });

/** An owner's org (with a project) plus an admin, an admin who opted out of usage alerts, and a member. */
async function team(name: string) {
  const owner = await projectOwner(name);
  const [admin, optedOut, member] = await Promise.all([makeUser(`${name} admin`), makeUser(`${name} quiet admin`), makeUser(`${name} member`)]);
  await db.membership.createMany({
    data: [
      { organizationId: owner.orgId, userId: admin.user.id, role: "ADMIN" },
      { organizationId: owner.orgId, userId: optedOut.user.id, role: "ADMIN" },
      { organizationId: owner.orgId, userId: member.user.id, role: "MEMBER" },
    ],
  });
  await db.user.update({ where: { id: optedOut.user.id }, data: { usageAlertEmails: false } });
  const ownerEmail = (await db.user.findUniqueOrThrow({ where: { id: owner.userId } })).email;
  return { ...owner, ownerEmail, admin, optedOut, member };
}

/** One chat turn through the REST route; what it hands to `after` runs once the body is read, as Next does. */
const chat = async (token: string, projectId: string, content: string) => {
  const after = afterResponse();
  const res = await sendMessageRoute(after.run)(jsonRequest(`/api/chat/projects/${projectId}/message`, { token, body: { content } }), routeParams(projectId));
  const body = (await res.json()) as Record<string, unknown> & { reply?: { promptTokens: number } };
  await after.settle();
  return { status: res.status, body };
};
const alertKeys = async (organizationId: string) =>
  (await db.usageAlert.findMany({ where: { organizationId }, orderBy: [{ limitType: "asc" }, { threshold: "asc" }] })).map((a) => `${a.threshold}:${a.limitType}`);
const notificationRows = (organizationId: string) =>
  db.notification.findMany({ where: { organizationId, kind: "usage-alert" }, orderBy: [{ dedupeKey: "asc" }, { recipient: "asc" }] });
const subjects = (to: string) => standIn.messages(to).map((m) => m.subject);

describe("usage-alert emails", () => {
  it("50 concurrent crossings of 80 %: one alert, one email per recipient (opted-out admin and member get none), with List-Unsubscribe", async () => {
    const t = await team("Fifty");
    await setTokenCounter(t.orgId, 79_990);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => consume(t.orgId, "gemini_tokens", 1)));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(await alertKeys(t.orgId)).toEqual(["80:plan"]);

    const rows = await notificationRows(t.orgId);
    const key = `usage-alert:${t.orgId}:gemini_tokens:${monthOf(new Date())}:80`;
    expect(rows.map((r) => [r.dedupeKey, r.recipient])).toEqual([
      [key, t.admin.email],
      [key, t.ownerEmail],
    ].sort((a, b) => a[1]!.localeCompare(b[1]!)));

    await sendDueNotifications();
    for (const [email, userId] of [[t.ownerEmail, t.userId], [t.admin.email, t.admin.user.id]] as const) {
      const messages = standIn.messages(email);
      expect(messages).toHaveLength(1);
      const [message] = messages;
      expect(message!.subject).toMatch(/has used 80% of its plan's monthly limit of Gemini tokens$/);
      const own = usageAlertUnsubscribe(userId);
      expect(message!.headers).toMatchObject({ "List-Unsubscribe": `<${own.url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
      // Each recipient's footer links to their own opt-out, and the email names the usage and the upgrade.
      expect(message!.html).toContain(own.url.replaceAll("&", "&amp;"));
      expect(message!.text).toContain("80,000");
      expect(message!.html).toContain("/billing/upgrade");
    }
    expect(standIn.messages(t.optedOut.email)).toEqual([]);
    expect(standIn.messages(t.member.email)).toEqual([]);
    // A second drain sends nothing again.
    await sendDueNotifications();
    expect(standIn.messages(t.ownerEmail)).toHaveLength(1);
  });

  it("80 % and 100 % each arrive once when chat messages cross them (sent after the chat's response)", async () => {
    const t = await team("Chatty");
    // A fresh project's prompt for this content costs the same in any org: measure it once.
    const probe = await projectOwner("Probe");
    const promptTokens = (await chat(probe.token, probe.projectId, "Cross the line")).body.reply!.promptTokens;

    // 80 %: five concurrent turns whose output holds move the month past 80 %.
    await setTokenCounter(t.orgId, 80_000 - MAX_OUTPUT_TOKENS - promptTokens + 5);
    const turns = await Promise.all(Array.from({ length: 5 }, (_, i) => chat(t.token, t.projectId, `Turn ${i}`)));
    expect(turns.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(subjects(t.ownerEmail)).toEqual([expect.stringMatching(/80% of its plan's monthly limit/)]);
    expect(subjects(t.admin.email)).toHaveLength(1);

    // 100 %: a turn in a fresh project whose holds (output cap + prompt) reach the limit exactly.
    const fresh = await createProject({ userId: t.userId, organizationId: t.orgId, role: "OWNER" }, { name: "Fresh" });
    await setTokenCounter(t.orgId, FREE_TOKENS - MAX_OUTPUT_TOKENS - promptTokens);
    expect((await chat(t.token, fresh.id, "Cross the line")).status).toBe(201);
    expect(subjects(t.ownerEmail)).toEqual([expect.stringMatching(/80%/), expect.stringMatching(/has reached its plan's monthly limit of Gemini tokens$/)]);
    // Over the limit now: refused, and no third email.
    expect((await chat(t.token, fresh.id, "One more")).status).toBe(402);
    expect(subjects(t.ownerEmail)).toHaveLength(2);
    expect(subjects(t.admin.email)).toHaveLength(2);
    expect(standIn.messages(t.optedOut.email)).toEqual([]);
    expect(await alertKeys(t.orgId)).toEqual(["80:plan", "100:plan"]);
  });
});

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
      resetsAt: nextMonthStart(new Date()).toISOString(),
    });

    await sendDueNotifications();
    const period = monthOf(new Date());
    expect((await notificationRows(t.orgId)).filter((r) => r.recipient === t.ownerEmail).map((r) => r.dedupeKey)).toEqual([
      `usage-alert:${t.orgId}:gemini_tokens:${period}:100:budget`,
      `usage-alert:${t.orgId}:gemini_tokens:${period}:80:budget`,
    ]);
    expect(subjects(t.ownerEmail)).toEqual([
      expect.stringMatching(/has used 80% of its monthly budget of Gemini tokens$/),
      expect.stringMatching(/has reached its monthly budget of Gemini tokens$/),
    ]);

    await callerOf(t.userId).usage.clearBudget({ orgId: t.orgId, metric: "gemini_tokens" });
    expect(await consume(t.orgId, "gemini_tokens", 100)).toEqual({ current: budget + 100, limit: FREE_TOKENS });
  });
});

describe("the bell", () => {
  it("lists the org's notifications once per dedupe key, newest first, without personal ones; unread per member; mark all read; another org's invisible", async () => {
    const t = await team("Bell");
    const other = await team("Other bell");
    await setTokenCounter(t.orgId, 79_999);
    await consume(t.orgId, "gemini_tokens", 1);
    await setTokenCounter(other.orgId, 79_999);
    await consume(other.orgId, "gemini_tokens", 20_001);
    // A personal email of the org (an invitation) is not the bell's.
    await db.notification.create({
      data: { organizationId: t.orgId, kind: "invitation", dedupeKey: `invitation:${t.orgId}:x`, recipient: "invitee@example.test", subject: "Join", html: "<p>Join</p>", text: "Join" },
    });

    const bell = (userId: string, orgId = t.orgId) => callerOf(userId).notifications.bell({ orgId });
    const mine = await bell(t.userId);
    expect(mine.unread).toBe(1);
    expect(mine.entries.map((e) => [e.kind, e.dedupeKey, e.unread])).toEqual([["usage-alert", `usage-alert:${t.orgId}:gemini_tokens:${monthOf(new Date())}:80`, true]]);
    expect(mine.entries[0]!.subject).toMatch(/80% of its plan's monthly limit/);
    // A member who gets no email still sees the org's notifications.
    expect((await bell(t.member.user.id)).unread).toBe(1);

    await callerOf(t.userId).notifications.markAllRead({ orgId: t.orgId });
    expect((await bell(t.userId)).unread).toBe(0);
    expect((await bell(t.userId)).entries.map((e) => e.unread)).toEqual([false]);
    expect((await bell(t.member.user.id)).unread).toBe(1); // read state is the member's own

    await consume(t.orgId, "gemini_tokens", 20_000);
    const after = await bell(t.userId);
    expect(after.unread).toBe(1);
    expect(after.entries.map((e) => [e.dedupeKey.split(":").at(-1), e.unread])).toEqual([
      ["100", true],
      ["80", false],
    ]);

    // The other org's notifications (100 % and 80 %, from one call) are its own.
    expect((await bell(other.userId, other.orgId)).unread).toBe(2);
    expect((await bell(other.userId, other.orgId)).entries.every((e) => e.dedupeKey.includes(other.orgId))).toBe(true);
    await expect(bell(other.userId)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(callerOf(other.userId).notifications.markAllRead({ orgId: t.orgId })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
