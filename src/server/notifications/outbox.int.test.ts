import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { env } from "~/env";
import { db } from "~/server/clients/db";
import { takeLease } from "~/server/jobs/job-lease";
import { JOB_PATHS } from "~/server/jobs/job-routes";
import { handleNotificationsDelivery, SENDER_LEASE_NAME, SENDER_LEASE_SECONDS } from "~/server/jobs/notifications-delivery";
import { JOB_SCHEDULES, registerSchedules } from "~/server/jobs/schedules";
import { sendNotificationsAfterResponse } from "~/server/notifications/after-response";
import { enqueueNotification, NOTIFICATION_BODY_MAX_BYTES, type NotificationInput } from "~/server/notifications/enqueue";
import { BACKOFF_BASE_SECONDS, claimDue, REDACTED_HTML, REDACTED_TEXT, sendClaimed, sendDueNotifications } from "~/server/notifications/send";
import { notificationsJobRoute } from "~/server/rest/jobs";
import { sendGridStandIn } from "~/test/sendgrid";

// The sender claims every due row of its database: this file has a database of its own, so no
// other file's rows are sent (or counted) here, and its own never elsewhere.
const app = await vi.hoisted(async () => {
  await (await import("~/test/isolated-billing")).startIsolatedBilling("outbox");
  return (await import("~/test/qstash-app")).startQStashApp();
});
app.serve(JOB_PATHS.notifications, notificationsJobRoute);
afterAll(() => app.close());

const standIn = sendGridStandIn();
beforeEach(() => standIn.reset());

let seq = 0;
/** A prefix of this test's own: dedupe keys and addresses under it are no other test's. */
const scope = () => `t${Date.now()}_${++seq}`;
const note = (key: string, recipients: string[], over: Partial<NotificationInput> = {}): NotificationInput => ({
  kind: "invoice.paid",
  dedupeKey: key,
  recipients,
  subject: `Invoice ${key} paid`,
  html: `<p>Invoice ${key} was paid.</p>`,
  text: `Invoice ${key} was paid.`,
  ...over,
});
const enqueue = (input: NotificationInput) => db.$transaction((tx) => enqueueNotification(tx, input));
const rowsOf = (prefix: string) => db.notification.findMany({ where: { dedupeKey: { startsWith: prefix } }, orderBy: { recipient: "asc" } });
/** Time passes for a row: its next attempt is now due. */
const makeDue = (prefix: string) => db.notification.updateMany({ where: { dedupeKey: { startsWith: prefix } }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });

describe("enqueueNotification", () => {
  it("writes in the caller's transaction: a state change that rolls back leaves no notification", async () => {
    const key = scope();
    await expect(
      db.$transaction(async (tx) => {
        expect(await enqueueNotification(tx, note(key, ["ada@example.com", "bob@example.com"]))).toBe(2);
        throw new Error("the state change failed");
      }),
    ).rejects.toThrow("the state change failed");
    expect(await rowsOf(key)).toEqual([]);
  });

  it("the same notification enqueued 20× at once: one row per recipient; only the first call's are new", async () => {
    const key = scope();
    const news = await Promise.all(Array.from({ length: 20 }, () => enqueue(note(key, ["Ada@Example.com", "bob@example.com", "ada@example.com"]))));
    expect(news.reduce((a, b) => a + b, 0)).toBe(2); // addresses are lower-cased: Ada and ada are one recipient
    const rows = await rowsOf(key);
    expect(rows.map((r) => [r.recipient, r.status, r.attempts])).toEqual([
      ["ada@example.com", "PENDING", 0],
      ["bob@example.com", "PENDING", 0],
    ]);
    // A later repeat (Stripe redelivered the event) adds nothing either.
    expect(await enqueue(note(key, ["ada@example.com"]))).toBe(0);
    await db.notification.deleteMany({ where: { dedupeKey: key } }); // not for the senders below
  });

  it("refuses a bad address (400) or an oversized body (413) before writing anything", async () => {
    const key = scope();
    const bad = await enqueue(note(key, ["ada@example.com", "not an address"])).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: "BAD_REQUEST", details: { reason: "invalid_notification" } });
    expect(Object.keys((bad as { fieldErrors: object }).fieldErrors)).toEqual(["recipients.1"]);
    const huge = await enqueue(note(key, ["ada@example.com"], { html: "x".repeat(NOTIFICATION_BODY_MAX_BYTES + 1) })).catch((e: unknown) => e);
    expect(huge).toMatchObject({ code: "PAYLOAD_TOO_LARGE", details: { reason: "notification_too_large" } });
    expect(await rowsOf(key)).toEqual([]);
  });
});

describe("sendDueNotifications", () => {
  it("sends a notification once, with SendGrid's message id on the row", async () => {
    const key = scope();
    await enqueue(note(key, [`${key}@example.com`], { headers: { "X-Entity-Ref-ID": key } }));
    expect(await sendDueNotifications()).toMatchObject({ sent: 1, retrying: 0, failed: 0, more: false });
    const [row] = await rowsOf(key);
    const mailbox = standIn.messages(`${key}@example.com`);
    expect(mailbox).toHaveLength(1);
    expect(mailbox[0]).toMatchObject({ subject: `Invoice ${key} paid`, headers: { "X-Entity-Ref-ID": key }, categories: ["invoice.paid"] });
    expect(row).toMatchObject({ status: "SENT", attempts: 1, providerMessageId: mailbox[0]!.messageId, claimId: null, lockedUntil: null });
    expect(row!.sentAt).toBeInstanceOf(Date);
    // Run again: nothing is due, nothing goes out.
    expect(await sendDueNotifications()).toMatchObject({ sent: 0 });
    expect(standIn.messages(`${key}@example.com`)).toHaveLength(1);
  });

  it("a SendGrid 500 makes the row FAILED with backoff; a later run sends it, and the mailbox holds it once", async () => {
    const key = scope();
    const to = `${key}@example.com`;
    await enqueue(note(key, [to]));
    standIn.failNext(500, 1);
    const before = Date.now();
    expect(await sendDueNotifications()).toMatchObject({ sent: 0, retrying: 1 });
    const [failed] = await rowsOf(key);
    expect(failed).toMatchObject({ status: "FAILED", attempts: 1, claimId: null, providerMessageId: null });
    expect(failed!.lastError).toMatch(/SendGrid answered 500/);
    const wait = failed!.nextAttemptAt!.getTime() - before;
    expect(wait).toBeGreaterThan((BACKOFF_BASE_SECONDS - 2) * 1000);
    expect(wait).toBeLessThan((BACKOFF_BASE_SECONDS + 5) * 1000);
    // Not due yet: a run now leaves it alone.
    expect(await sendDueNotifications()).toMatchObject({ sent: 0, retrying: 0 });
    expect(standIn.messages(to)).toEqual([]);

    // A second failure doubles the backoff.
    await makeDue(key);
    standIn.failNext(503, 1);
    await sendDueNotifications();
    const [again] = await rowsOf(key);
    expect(again).toMatchObject({ status: "FAILED", attempts: 2 });
    expect(again!.nextAttemptAt!.getTime() - Date.now()).toBeGreaterThan((2 * BACKOFF_BASE_SECONDS - 3) * 1000);

    await makeDue(key);
    expect(await sendDueNotifications()).toMatchObject({ sent: 1 });
    const [sent] = await rowsOf(key);
    expect(standIn.messages(to)).toHaveLength(1);
    expect(sent).toMatchObject({ status: "SENT", attempts: 3, lastError: null, providerMessageId: standIn.messages(to)[0]!.messageId });
  });

  it("a permanent 400 (SendGrid refuses the address) makes the row FAILED for good: never tried again", async () => {
    const key = scope();
    // A row written before SendGrid's rule changed (enqueueNotification refuses such an address now).
    await db.notification.create({ data: { kind: "invoice.paid", dedupeKey: key, recipient: "nobody@nowhere", subject: "s", html: "<p>h</p>", text: "t" } });
    expect(await sendDueNotifications()).toMatchObject({ sent: 0, failed: 1, retrying: 0 });
    const [row] = await rowsOf(key);
    expect(row).toMatchObject({ status: "FAILED", attempts: 1, nextAttemptAt: null });
    expect(row!.lastError).toMatch(/SendGrid refused the email \(400\)/);
    const attempts = standIn.sendAttempts();
    await sendDueNotifications();
    expect(standIn.sendAttempts()).toBe(attempts);
    expect((await rowsOf(key))[0]).toMatchObject({ status: "FAILED", attempts: 1 });
  });

  it("a retryable failure past the give-up horizon is given up (FAILED, no next attempt)", async () => {
    const key = scope();
    await enqueue(note(key, [`${key}@example.com`]));
    await db.notification.updateMany({ where: { dedupeKey: key }, data: { createdAt: new Date(Date.now() - 25 * 3600 * 1000) } });
    standIn.failNext(500, 1);
    expect(await sendDueNotifications()).toMatchObject({ failed: 1, retrying: 0 });
    expect((await rowsOf(key))[0]).toMatchObject({ status: "FAILED", nextAttemptAt: null });
  });

  it("a sensitive row: sent with click tracking off, its body kept while it may be retried and redacted once final", async () => {
    const key = scope();
    const secret = `https://app.example/reset-password/prt_${key}`;
    const [sent, retried, plain] = [`${key}-sent@example.com`, `${key}-retried@example.com`, `${key}-plain@example.com`];
    const body = { html: `<p><a href="${secret}">Reset</a></p>`, text: `Reset: ${secret}` };
    await enqueue(note(`${key}-sent`, [sent], { ...body, sensitive: true }));
    await enqueue(note(`${key}-plain`, [plain], body));
    expect(await sendDueNotifications()).toMatchObject({ sent: 2 });
    const [message] = standIn.messages(sent);
    expect(message).toMatchObject({ html: body.html, text: body.text, trackingSettings: { click_tracking: { enable: false, enable_text: false } } });
    expect(standIn.messages(plain)[0]).toMatchObject({ trackingSettings: null, mailSettings: null });
    expect((await rowsOf(`${key}-sent`))[0]).toMatchObject({ status: "SENT", sensitive: true, html: REDACTED_HTML, text: REDACTED_TEXT });
    // Not sensitive: the body stays (the bell and support read it).
    expect((await rowsOf(`${key}-plain`))[0]).toMatchObject({ status: "SENT", html: body.html, text: body.text });

    await enqueue(note(`${key}-retried`, [retried], { ...body, sensitive: true }));
    standIn.failNext(500, 1);
    expect(await sendDueNotifications()).toMatchObject({ retrying: 1 });
    expect((await rowsOf(`${key}-retried`))[0]).toMatchObject({ status: "FAILED", html: body.html, text: body.text });
    // Given up (past the horizon): final, so redacted in the same mark.
    await db.notification.updateMany({ where: { dedupeKey: `${key}-retried` }, data: { createdAt: new Date(Date.now() - 25 * 3600 * 1000) } });
    await makeDue(`${key}-retried`);
    standIn.failNext(500, 1);
    expect(await sendDueNotifications()).toMatchObject({ failed: 1 });
    expect((await rowsOf(`${key}-retried`))[0]).toMatchObject({ status: "FAILED", nextAttemptAt: null, html: REDACTED_HTML, text: REDACTED_TEXT });
    for (const prefix of [`${key}-sent`, `${key}-retried`]) expect(JSON.stringify(await rowsOf(prefix))).not.toContain(`prt_${key}`);
  });

  it("10 senders at once over 30 rows: each email is in the mailbox exactly once", async () => {
    const key = scope();
    const recipients = Array.from({ length: 30 }, (_, i) => `${key}_${i}@example.com`);
    // 3 notifications of 10 recipients each.
    for (let n = 0; n < 3; n++) await enqueue(note(`${key}:${n}`, recipients.slice(n * 10, n * 10 + 10)));
    standIn.setLatency(20); // sends overlap
    const results = await Promise.all(Array.from({ length: 10 }, () => sendDueNotifications({ concurrency: 3 })));
    expect(results.reduce((sum, r) => sum + r.sent, 0)).toBe(30);
    expect(results.reduce((sum, r) => sum + r.superseded + r.errored + r.retrying + r.failed, 0)).toBe(0);
    for (const to of recipients) expect(standIn.messages(to)).toHaveLength(1);
    expect(standIn.sendAttempts()).toBe(30);
    const rows = await rowsOf(key);
    expect(rows.every((r) => r.status === "SENT" && r.attempts === 1)).toBe(true);
    expect(new Set(rows.map((r) => r.providerMessageId)).size).toBe(30);
  });

  it("a stale sender (its lease ran out and another sender took the row) does not overwrite the row", async () => {
    const key = scope();
    const to = `${key}@example.com`;
    await enqueue(note(key, [to]));
    const [stale] = await claimDue(1);
    expect(stale).toMatchObject({ recipient: to, attempts: 1 });
    // Its lease runs out (the sender hung); another sender takes the row over and sends it.
    await db.notification.updateMany({ where: { dedupeKey: key }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    expect(await sendDueNotifications()).toMatchObject({ sent: 1 });
    const sent = (await rowsOf(key))[0]!;
    expect(sent).toMatchObject({ status: "SENT", attempts: 2 });

    // The stale sender wakes up: its send fails — it must not make the SENT row FAILED.
    standIn.failNext(500, 1);
    expect(await sendClaimed(stale!)).toBe("superseded");
    // Or its send goes out late (the documented at-least-once window): the row keeps the winner's id.
    expect(await sendClaimed(stale!)).toBe("superseded");
    expect(standIn.messages(to)).toHaveLength(2);
    expect((await rowsOf(key))[0]).toMatchObject({ status: "SENT", attempts: 2, providerMessageId: sent.providerMessageId, lastError: null });
  });
});

describe("triggers", () => {
  it("after a response: 5 calls at once share runs; every email goes out once", async () => {
    const key = scope();
    const recipients = Array.from({ length: 6 }, (_, i) => `${key}_${i}@example.com`);
    await enqueue(note(key, recipients));
    const results = await Promise.all(Array.from({ length: 5 }, () => sendNotificationsAfterResponse()));
    expect(new Set(results).size).toBe(1); // one run, awaited by all
    for (const to of recipients) expect(standIn.messages(to)).toHaveLength(1);
    expect((await rowsOf(key)).every((r) => r.status === "SENT")).toBe(true);
  });

  it("POST /api/jobs/notifications is scheduled every minute and sends what is due when the schedule fires", async () => {
    const minutely = JOB_SCHEDULES.find((s) => s.path === JOB_PATHS.notifications)!;
    expect(minutely.cron).toBe("* * * * *");
    const key = scope();
    await enqueue(note(key, [`${key}@example.com`]));
    await registerSchedules(app.client, env.APP_URL);
    const messageId = app.standIn.fireSchedule(minutely.scheduleId);
    await app.standIn.settle();
    const fired = app.standIn.messages.get(messageId)!;
    expect(fired.url).toBe(`https://billing.vantflow.test${JOB_PATHS.notifications}`);
    expect(fired.attempts.map((a) => a.status)).toEqual([200]);
    expect(standIn.messages(`${key}@example.com`)).toHaveLength(1);
    expect(await db.jobDelivery.findUniqueOrThrow({ where: { messageId } })).toMatchObject({ job: "notifications", status: "DONE" });
    expect(await db.jobLease.findUnique({ where: { name: SENDER_LEASE_NAME } })).toBeNull(); // released at the run's end
  });

  it("one live run at a time: a firing while another run holds the lease sends nothing", async () => {
    const key = scope();
    await enqueue(note(key, [`${key}@example.com`]));
    expect(await takeLease(SENDER_LEASE_NAME, "run_live_elsewhere", SENDER_LEASE_SECONDS)).toBe(true);
    const skipped = await handleNotificationsDelivery({ messageId: `msg_${key}`, retried: 0, body: {} });
    expect(skipped).toMatchObject({ status: "done", result: { skipped: "another_run_is_live" } });
    expect(standIn.messages(`${key}@example.com`)).toEqual([]);
    // The live run crashed: its lease expires and the next firing sends.
    await db.jobLease.update({ where: { name: SENDER_LEASE_NAME }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await handleNotificationsDelivery({ messageId: `msg_${key}_2`, retried: 0, body: {} })).toMatchObject({ status: "done", result: { sent: 1 } });
    expect(standIn.messages(`${key}@example.com`)).toHaveLength(1);
  });

  it("a call out of time with rows still due enqueues the run's next round once", async () => {
    const key = scope();
    await enqueue(note(key, [`${key}@example.com`]));
    const runId = `msg_run_${key}`;
    expect(await handleNotificationsDelivery({ messageId: runId, retried: 0, body: {} }, { budgetMs: 0 })).toMatchObject({
      status: "done",
      result: { runId, round: 1, more: true, continued: true },
    });
    await handleNotificationsDelivery({ messageId: `${runId}_again`, retried: 0, body: { runId, round: 1 } }, { budgetMs: 0 });
    const next = [...app.standIn.messages.values()].filter((m) => m.body.toString() === JSON.stringify({ runId, round: 2 }));
    expect(next).toHaveLength(1);
    await app.standIn.settle();
    expect(next[0]!.attempts.map((a) => a.status)).toEqual([200]);
    expect(standIn.messages(`${key}@example.com`)).toHaveLength(1);
  });
});
