import { beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_OUTPUT_TOKENS } from "~/server/chat/token-hold";
import { db } from "~/server/clients/db";
import { usageAlertUnsubscribe } from "~/server/notifications/unsubscribe";
import { sendDueNotifications } from "~/server/notifications/send";
import { handleNotificationsDelivery } from "~/server/jobs/notifications-delivery";
import { createProject } from "~/server/projects/projects";
import { enqueuePendingAlertEmails } from "~/server/usage/alert-emails";
import { sendMessageRoute, streamMessageRoute } from "~/server/rest/chat";
import { consume } from "~/server/usage/meter";
import { monthOf } from "~/server/usage/periods";
import { afterResponse, projectOwner, routeParams, setTokenCounter, teamWithProject as team } from "~/test/chat";
import { jsonRequest } from "~/test/factories";
import { sendGridStandIn } from "~/test/sendgrid";

// The sender drains its whole database's outbox: this file has a database of its own.
await vi.hoisted(async () => (await import("~/test/isolated-billing")).startIsolatedBilling("alert_emails"));

const FREE_TOKENS = 100_000;
const standIn = sendGridStandIn();
beforeEach(() => standIn.reset());


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
    const key = `usage-alert:${t.orgId}:gemini_tokens:${monthOf(new Date())}:80:plan:${FREE_TOKENS}`;
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
      expect(message!.headers).toMatchObject(own.headers);
      expect(own.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
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

  it("a streamed turn that crosses 80 % emails once the stream has ended", async () => {
    const t = await team("Streamer");
    await setTokenCounter(t.orgId, 80_000 - MAX_OUTPUT_TOKENS + 10);
    const after = afterResponse();
    const res = await streamMessageRoute(after.run)(
      jsonRequest(`/api/chat/projects/${t.projectId}/message/stream`, { token: t.token, body: { content: "Stream across" } }),
      routeParams(t.projectId),
    );
    expect(res.status).toBe(200);
    await res.text();
    await after.settle();
    expect(subjects(t.ownerEmail)).toEqual([expect.stringMatching(/has used 80% of its plan's monthly limit/)]);
    expect(subjects(t.admin.email)).toHaveLength(1);
  });

  it("an email that cannot be enqueued leaves its alert recorded (and in the bell), the call succeeds, and the job enqueues the emails later, once", async () => {
    const t = await team("Kept");
    // An address the outbox refuses: the enqueue fails after the alert row committed.
    await db.user.update({
      where: { id: t.admin.user.id },
      data: { email: `not-an-address-${t.orgId}` },
    });
    await setTokenCounter(t.orgId, 79_999);
    expect(await consume(t.orgId, "gemini_tokens", 1)).toEqual({
      current: 80_000,
      limit: FREE_TOKENS,
    });
    expect(await alertKeys(t.orgId)).toEqual(["80:plan"]);
    expect(await notificationRows(t.orgId)).toEqual([]);
    expect(await db.orgNotification.count({ where: { organizationId: t.orgId } })).toBe(1);

    const later = new Date(Date.now() + 60_000);
    // Still refused: retried by the next run, nothing written.
    expect(await enqueuePendingAlertEmails(later)).toEqual({
      alerts: 0,
      emails: 0,
    });
    await db.user.update({
      where: { id: t.admin.user.id },
      data: { email: t.admin.email },
    });
    const runs = await Promise.all(Array.from({ length: 3 }, () => enqueuePendingAlertEmails(later)));
    expect(runs.reduce((n, r) => n + r.emails, 0)).toBe(2);
    expect((await notificationRows(t.orgId)).map((r) => r.recipient).sort()).toEqual([t.admin.email, t.ownerEmail].sort());
    expect(await enqueuePendingAlertEmails(later)).toEqual({
      alerts: 0,
      emails: 0,
    });
    await sendDueNotifications();
    expect(subjects(t.ownerEmail)).toHaveLength(1);
  });

  it("the notifications job sends the emails of an alert whose recording call crashed after its commit", async () => {
    const t = await team("Crashed");
    const period = monthOf(new Date());
    await db.usageAlert.create({
      data: { organizationId: t.orgId, metric: "gemini_tokens", period, threshold: 80, limitType: "plan", usedAtCrossing: 80_000n, limitAtCrossing: BigInt(FREE_TOKENS), createdAt: new Date(Date.now() - 60_000) },
    });
    const done = await handleNotificationsDelivery({ messageId: `msg_crashed_${t.orgId}`, retried: 0, body: {} });
    expect(done).toMatchObject({ status: "done", result: { alertsEnqueued: 1 } });
    expect(subjects(t.ownerEmail)).toEqual([expect.stringContaining("has used 80% of its plan's monthly limit of Gemini tokens")]);
    expect(subjects(t.optedOut.email)).toEqual([]);
  });
});
