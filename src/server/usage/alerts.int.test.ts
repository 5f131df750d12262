import { describe, expect, it } from "vitest";
import { createCaller } from "~/server/api/root";
import { MAX_OUTPUT_TOKENS } from "~/server/chat/token-hold";
import { db } from "~/server/clients/db";
import { kv } from "~/server/clients/redis";
import { sendMessageRoute } from "~/server/rest/chat";
import { enqueuePendingAlertEmails } from "~/server/usage/alert-emails";
import { crossedThresholds, recordCrossings } from "~/server/usage/alerts";
import { limitKey, usageKey } from "~/server/usage/keys";
import { consume, recordUsage, reserve } from "~/server/usage/meter";
import { monthOf } from "~/server/usage/periods";
import { projectOwner, routeParams, setTokenCounter, skipAfterResponse } from "~/test/chat";
import { jsonRequest, makeUser } from "~/test/factories";

const FREE_TOKENS = 100_000;
const org = async () => (await makeUser("Alerted")).organization.id;
const setCounter = (orgId: string, value: number, now = new Date()) => kv.set(usageKey(orgId, "gemini_tokens", monthOf(now)), String(value));
const alertRows = (organizationId: string) =>
  db.usageAlert.findMany({ where: { organizationId }, orderBy: [{ period: "asc" }, { threshold: "asc" }] });
const summary = async (organizationId: string) =>
  (await alertRows(organizationId)).map((a) => ({ period: a.period, threshold: a.threshold, used: Number(a.usedAtCrossing), limit: Number(a.limitAtCrossing) }));

describe("crossedThresholds", () => {
  it("is below before and at or above after, exactly; unlimited and giving back never cross", () => {
    expect(crossedThresholds(79_999, 80_000, FREE_TOKENS)).toEqual([80]);
    expect(crossedThresholds(80_000, 80_001, FREE_TOKENS)).toEqual([]);
    expect(crossedThresholds(70_000, 100_000, FREE_TOKENS)).toEqual([80, 100]);
    expect(crossedThresholds(99_999, 100_001, FREE_TOKENS)).toEqual([100]);
    expect(crossedThresholds(0, 1_000_000, null)).toEqual([]);
    expect(crossedThresholds(90_000, 70_000, FREE_TOKENS)).toEqual([]);
    expect(crossedThresholds(7, 8, 10)).toEqual([80]); // 80 % of 10 is 8: exact integer comparison
  });
});

describe("usage alerts where usage is recorded", () => {
  it("50 concurrent consumes crossing 80 % record exactly one 80 % alert", async () => {
    const orgId = await org();
    await setCounter(orgId, 79_990);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => consume(orgId, "gemini_tokens", 1)));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const rows = await summary(orgId);
    expect(rows).toEqual([{ period: monthOf(new Date()), threshold: 80, used: 80_000, limit: FREE_TOKENS }]);
  });

  it("the same crossing recorded 50 times at once (retries, replays) is one row", async () => {
    const orgId = await org();
    const period = monthOf(new Date());
    await Promise.all(Array.from({ length: 50 }, () => recordCrossings(orgId, "gemini_tokens", period, { before: 0, after: 100_000, limit: FREE_TOKENS, limitType: "plan" })));
    expect((await summary(orgId)).map((a) => a.threshold)).toEqual([80, 100]);
  });

  it("a call below 80 % records nothing; a jump from 70 % to 100 % records both thresholds, once", async () => {
    const orgId = await org();
    await setCounter(orgId, 70_000);
    await consume(orgId, "gemini_tokens", 5_000);
    expect(await alertRows(orgId)).toEqual([]);
    await consume(orgId, "gemini_tokens", 25_000);
    expect((await summary(orgId)).map((a) => [a.threshold, a.used])).toEqual([
      [80, 100_000],
      [100, 100_000],
    ]);
    // Below again (a reservation given back) and over again: still one row per threshold this month.
    await recordUsage(orgId, "gemini_tokens", -40_000);
    await recordUsage(orgId, "gemini_tokens", 40_000);
    expect(await alertRows(orgId)).toHaveLength(2);
  });

  it("a second month records new rows", async () => {
    const orgId = await org();
    const november = new Date("2026-11-15T12:00:00Z");
    const december = new Date("2026-12-15T12:00:00Z");
    await setCounter(orgId, 79_000, november);
    await consume(orgId, "gemini_tokens", 2_000, november);
    await setCounter(orgId, 79_000, december);
    await consume(orgId, "gemini_tokens", 2_000, december);
    expect((await summary(orgId)).map((a) => [a.period, a.threshold])).toEqual([
      ["2026-11", 80],
      ["2026-12", 80],
    ]);
  });

  it("unlimited metrics never alert", async () => {
    const orgId = await org();
    const period = monthOf(new Date());
    await kv.set(limitKey(orgId, "gemini_tokens", period), "-1", 60);
    await consume(orgId, "gemini_tokens", 5_000_000);
    await recordUsage(orgId, "gemini_tokens", 5_000_000);
    expect(await alertRows(orgId)).toEqual([]);
  });

  it("usage recorded without enforcing, with no limit cached, still alerts (the limit is computed then)", async () => {
    const orgId = await org();
    await setCounter(orgId, 79_000);
    await kv.del(limitKey(orgId, "gemini_tokens", monthOf(new Date())));
    expect(await recordUsage(orgId, "gemini_tokens", 30_000)).toEqual({ current: 109_000, limit: null });
    expect((await summary(orgId)).map((a) => [a.threshold, a.limit])).toEqual([
      [80, FREE_TOKENS],
      [100, FREE_TOKENS],
    ]);
  });

  it("a reservation that crosses records the alert", async () => {
    const orgId = await org();
    await setCounter(orgId, 79_500);
    const held = await reserve(orgId, "gemini_tokens", 1_000);
    await held.settle(900);
    expect((await summary(orgId)).map((a) => [a.threshold, a.used])).toEqual([[80, 80_500]]);
  });

  it("an alert that cannot be written does not fail the request", async () => {
    const orgId = await org();
    const period = monthOf(new Date());
    await setCounter(orgId, 79_999);
    await kv.set(limitKey(orgId, "gemini_tokens", period), String(FREE_TOKENS), 60);
    // The org's row is gone: the alert's foreign key fails; the counter in Redis still counts.
    await db.organization.delete({ where: { id: orgId } });
    expect(await consume(orgId, "gemini_tokens", 1)).toEqual({ current: 80_000, limit: FREE_TOKENS });
    expect(await db.usageAlert.count({ where: { organizationId: orgId } })).toBe(0);
    // No alert, so no emails.
    expect(await db.notification.count({ where: { dedupeKey: { startsWith: `usage-alert:${orgId}:` } } })).toBe(0);
  });

  it("an alert whose emails cannot be enqueued is kept (and is in the bell); the notifications job enqueues them later, once", async () => {
    const owner = await makeUser("Unlucky alert");
    const orgId = owner.organization.id;
    // A subject longer than the outbox accepts: enqueuing the emails fails, recording the alert must not.
    await db.organization.update({
      where: { id: orgId },
      data: { name: "N".repeat(1_000) },
    });
    await setCounter(orgId, 79_999);
    await consume(orgId, "gemini_tokens", 1);
    const [alert] = await alertRows(orgId);
    expect(alert).toMatchObject({ threshold: 80, emailsEnqueuedAt: null });
    expect(await db.orgNotification.count({ where: { organizationId: orgId } })).toBe(1);
    const emails = () =>
      db.notification.findMany({
        where: { organizationId: orgId, kind: "usage-alert" },
        select: { dedupeKey: true, recipient: true },
      });
    expect(await emails()).toEqual([]);

    await db.organization.update({
      where: { id: orgId },
      data: { name: "Lucky" },
    });
    // The job's step, past the grace period, run by overlapping job calls.
    const later = new Date(Date.now() + 60_000);
    await Promise.all(Array.from({ length: 5 }, () => enqueuePendingAlertEmails(later)));
    expect(await emails()).toEqual([
      {
        dedupeKey: `usage-alert:${orgId}:gemini_tokens:${monthOf(new Date())}:80:plan:${FREE_TOKENS}`,
        recipient: owner.email,
      },
    ]);
    expect((await alertRows(orgId))[0]!.emailsEnqueuedAt).not.toBeNull();
    await enqueuePendingAlertEmails(later);
    expect(await emails()).toHaveLength(1);
  });

  it("a chat message that crosses 80 % records the alert", async () => {
    const o = await projectOwner("Alert chat");
    // The chat holds its output cap first: that hold moves the month from below 80 % to above it.
    await setTokenCounter(o.orgId, 80_000 - MAX_OUTPUT_TOKENS + 10);
    const res = await sendMessageRoute(skipAfterResponse)(
      jsonRequest(`/api/chat/projects/${o.projectId}/message`, { token: o.token, body: { content: "Cross the line" } }),
      routeParams(o.projectId),
    );
    expect(res.status).toBe(201);
    expect((await summary(o.orgId)).map((a) => [a.threshold, a.limit])).toEqual([[80, FREE_TOKENS]]);
  });
});

describe("usage.alerts", () => {
  const callerOf = (userId: string | null) => createCaller({ headers: new Headers(), userId });

  it("lists this month's alerts of the member's org; another org's member is refused", async () => {
    const owner = await makeUser("Alert owner");
    const stranger = await makeUser("Alert stranger");
    const orgId = owner.organization.id;
    await setCounter(orgId, 75_000);
    await consume(orgId, "gemini_tokens", 25_000);
    await db.usageAlert.create({
      data: { organizationId: orgId, metric: "gemini_tokens", period: "2020-01", threshold: 80, usedAtCrossing: 1n, limitAtCrossing: 1n },
    });

    const alerts = await callerOf(owner.user.id).usage.alerts({ orgId });
    expect(alerts.map((a) => ({ metric: a.metric, period: a.period, threshold: a.threshold, used: a.usedAtCrossing, limit: a.limitAtCrossing }))).toEqual([
      { metric: "gemini_tokens", period: monthOf(new Date()), threshold: 80, used: 100_000, limit: FREE_TOKENS },
      { metric: "gemini_tokens", period: monthOf(new Date()), threshold: 100, used: 100_000, limit: FREE_TOKENS },
    ]);
    expect(await callerOf(stranger.user.id).usage.alerts({ orgId: stranger.organization.id })).toEqual([]);
    await expect(callerOf(stranger.user.id).usage.alerts({ orgId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(callerOf(null).usage.alerts({ orgId })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
