import type { DeliveryAttempt, StoredMessage } from "../../../e2e/stand-ins/qstash/server";
import { signDelivery } from "../../../e2e/stand-ins/qstash/signing";
import { afterAll, describe, expect, inject, it, onTestFinished, vi } from "vitest";
import { env } from "~/env";
import { ensureStripeCustomer } from "~/server/billing/stripe-customer";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { HAND_RETRIES, runBillingSyncToEnd } from "~/server/jobs/billing-sync";
import { ORG_RETRIES } from "~/server/jobs/billing-sync-delivery";
import { JOB_SCHEDULES, registerSchedules } from "~/server/jobs/schedules";
import { billingSyncJobRoute } from "~/server/rest/jobs";
import { makeUser } from "~/test/factories";

// The reconcile reads the whole Stripe account and every linked org: it gets a database and a
// Stripe stand-in of its own, since the run's shared ones hold other files' orgs, linked to
// customers of their own stand-ins (which would look missing here). APP_URL is the public
// https://billing.vantflow.test; the route listens on 127.0.0.1 elsewhere.
const { own, app } = await vi.hoisted(async () => {
  const own = await (await import("~/test/isolated-billing")).startIsolatedBilling("billing_sync");
  return { own, app: await (await import("~/test/qstash-app")).startQStashApp() };
});
const { sdk, prices } = own;
const injectStripeFault = (fault: { method?: string; path: string; count?: number }) => own.standIn.control.addFault(fault);
const PATH = "/api/jobs/billing-sync";
app.serve(PATH, billingSyncJobRoute);
afterAll(() => app.close());
const publicUrl = () => new URL(PATH, env.APP_URL).toString();

/** An org with an active Pro subscription, synced; then changed in Stripe with no webhook. */
async function driftedOrg() {
  const { organization } = await makeUser("Drifted");
  const customer = await ensureStripeCustomer(organization.id);
  const pm = await sdk.paymentMethods.attach("pm_card_visa", { customer });
  await sdk.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
  const sub = await sdk.subscriptions.create({ customer, items: [{ price: prices.STRIPE_PRICE_PRO_MONTHLY! }] });
  await syncStripeCustomer(customer);
  await sdk.subscriptions.update(sub.id, { cancel_at_period_end: true }); // a webhook that never arrived
  return { orgId: organization.id, customer, subId: sub.id };
}
/**
 * A new default card set at Stripe with no webhook: the reconcile reads this customer's cards
 * (GET /v1/customers/:id/payment_methods), so a fault on the customer's path fails the org.
 */
async function changeCard(customer: string) {
  const pm = await sdk.paymentMethods.attach("pm_card_visa", { customer });
  await sdk.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
}
const cancelFlag = async (subId: string) =>
  (await db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: subId }, select: { cancelAtPeriodEnd: true } })).cancelAtPeriodEnd;

/** Orgs with a Stripe customer, enough that a small batch size makes a chain of several batches. */
async function customers(count: number) {
  for (let i = 0; i < count; i++) await ensureStripeCustomer((await makeUser("Customer")).organization.id);
}

const bodyOf = (m: StoredMessage) => JSON.parse(m.body.toString("utf8") || "{}") as Record<string, unknown>;
const delivery = (messageId: string) => db.jobDelivery.findUnique({ where: { messageId } });

/** The messages published to the stand-in from now on (schedule firings excluded). */
function watchPublished() {
  const before = new Set(app.standIn.messages.keys());
  return () => [...app.standIn.messages.values()].filter((m) => !before.has(m.messageId) && !m.scheduleId);
}

/** How many next-batch messages name each cursor: one chain has exactly one per cursor. */
function messagesPerCursor(messages: StoredMessage[]) {
  const counts = new Map<string, number>();
  for (const m of messages) {
    const cursor = bodyOf(m).cursor;
    if (typeof cursor === "string") counts.set(cursor, (counts.get(cursor) ?? 0) + 1);
  }
  return counts;
}

/** Sends a delivery again exactly as QStash sent it (same message id, body and signature). */
const replay = (attempt: DeliveryAttempt) =>
  fetch(new URL(PATH, app.origin), { method: attempt.method, headers: attempt.headers, body: attempt.body });

/** A delivery as QStash makes it, signed for the public URL, straight to where the app listens. */
async function deliverAsQStash(messageId: string, body: string) {
  const signature = await signDelivery({ key: inject("qstash").currentSigningKey, url: publicUrl(), body: Buffer.from(body), nowMs: Date.now() });
  return fetch(new URL(PATH, app.origin), {
    method: "POST",
    headers: { "content-type": "application/json", "upstash-signature": signature, "upstash-message-id": messageId, "upstash-retried": "0" },
    body,
  });
}

describe("the daily billing sync, run by hand", () => {
  it("brings every org back to Stripe's state; an org that fails is retried at the end, one that keeps failing is reported", async () => {
    const good = await driftedOrg();
    const flaky = await driftedOrg();
    const broken = await driftedOrg();
    await changeCard(flaky.customer);
    await changeCard(broken.customer);
    await injectStripeFault({ method: "GET", path: `/v1/customers/${flaky.customer}`, count: 1 });
    await injectStripeFault({ method: "GET", path: `/v1/customers/${broken.customer}`, count: 1 + HAND_RETRIES });
    // Two steps per call: the run spans several calls.
    const result = await runBillingSyncToEnd(7, { steps: 2 });
    expect(result.calls).toBeGreaterThan(1);
    const failed = result.failed.map((f) => f.organizationId);
    expect(failed).toContain(broken.orgId);
    expect(failed).not.toContain(flaky.orgId);
    expect(failed).not.toContain(good.orgId);
    expect(await cancelFlag(good.subId)).toBe(true);
    expect(await cancelFlag(flaky.subId)).toBe(true);
    expect(await cancelFlag(broken.subId)).toBe(false);
  });
});

describe("POST /api/jobs/billing-sync, called by QStash at APP_URL", () => {
  it("runs when the daily schedule, registered for APP_URL, fires, though the app listens on another host", async () => {
    const org = await driftedOrg();
    await registerSchedules(app.client, env.APP_URL);
    const messageId = app.standIn.fireSchedule(JOB_SCHEDULES[0].scheduleId);
    await app.standIn.settle();

    const fired = app.standIn.messages.get(messageId)!;
    expect(fired.url).toBe(`https://billing.vantflow.test${PATH}`);
    expect(fired.attempts.map((a) => a.status)).toEqual([200]);
    expect(await cancelFlag(org.subId)).toBe(true);
    expect(await delivery(messageId)).toMatchObject({ job: "billing-sync", status: "DONE", attempts: 1 });
  });

  it("answers 401 to anything QStash did not sign for APP_URL, and runs nothing", async () => {
    const org = await driftedOrg();
    const local = new URL(PATH, app.origin);
    const unsigned = await fetch(local, { method: "POST", body: "{}" });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ code: "UNAUTHORIZED", reason: "invalid_signature" });
    const forged = await fetch(local, { method: "POST", headers: { "upstash-signature": "eyJhbGciOiJIUzI1NiJ9.e30.x" }, body: "{}" });
    expect(forged.status).toBe(401);

    // A genuine QStash signature, but for the address the app listens on: not what was scheduled.
    const { messageId } = await app.client.publishJSON({ url: local.toString(), body: {}, retries: 0 });
    await app.standIn.settle();
    expect(app.standIn.messages.get(messageId)!.attempts.map((a) => a.status)).toEqual([401]);
    expect(await cancelFlag(org.subId)).toBe(false);
  });

  it("a delivery repeated after it finished changes nothing; retried after a crash, it enqueues the same next batch (one chain)", async () => {
    await customers(4);
    const published = watchPublished();
    const { messageId } = await app.client.publishJSON({ url: publicUrl(), body: { batchSize: 2, steps: 1 } });
    await app.standIn.settle();
    const chain = published().filter((m) => m.messageId !== messageId); // the follow-ups
    expect(chain.length).toBeGreaterThanOrEqual(1);
    expect([...messagesPerCursor(chain).values()].every((n) => n === 1)).toBe(true);
    expect(chain.every((m) => bodyOf(m).runId === messageId)).toBe(true);
    for (const m of chain) expect(m.attempts.map((a) => a.status)).toEqual([200]);

    // QStash delivers the first message again (at-least-once): 200, no second chain.
    const first = app.standIn.messages.get(messageId)!.attempts[0]!;
    const again = await replay(first);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "duplicate" });
    await app.standIn.settle();
    expect(published()).toHaveLength(chain.length + 1);

    // The process died after enqueuing the next batch but before recording the delivery: once the
    // lease has run out, QStash's retry runs the batch again and the next batch is deduplicated.
    await db.jobDelivery.update({ where: { messageId }, data: { status: "RUNNING", finishedAt: null, lockedUntil: new Date(Date.now() - 1000) } });
    const retried = await replay(first);
    expect(retried.status).toBe(200);
    await app.standIn.settle();
    expect(published()).toHaveLength(chain.length + 1);
    expect(await delivery(messageId)).toMatchObject({ status: "DONE", attempts: 2 });
  });

  it("runs a delivery that arrives 5 times at once only once (one chain)", async () => {
    await customers(3);
    const published = watchPublished();
    const messageId = `msg_concurrent_${Date.now()}`;
    const responses = await Promise.all(Array.from({ length: 5 }, () => deliverAsQStash(messageId, JSON.stringify({ batchSize: 2, steps: 1 }))));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { status?: string; reason?: string }[];
    await app.standIn.settle();

    expect(bodies.filter((b) => b.status === "done")).toHaveLength(1);
    // The others met it in flight (409, so QStash would retry) or finished (200, no effect).
    for (const [i, r] of responses.entries()) {
      if (bodies[i]!.status !== "done") expect([409, 200]).toContain(r.status);
      if (r.status === 409) expect(bodies[i]).toMatchObject({ code: "CONFLICT", reason: "delivery_in_progress" });
    }
    expect(await delivery(messageId)).toMatchObject({ status: "DONE", attempts: 1 });
    const chain = published();
    expect(chain.length).toBeGreaterThanOrEqual(1);
    expect([...messagesPerCursor(chain).values()].every((n) => n === 1)).toBe(true);
  });

  it("answers 400 to a signed delivery without a message id, and runs nothing", async () => {
    const org = await driftedOrg();
    const body = "{}";
    const signature = await signDelivery({ key: inject("qstash").currentSigningKey, url: publicUrl(), body: Buffer.from(body), nowMs: Date.now() });
    const res = await fetch(new URL(PATH, app.origin), { method: "POST", headers: { "upstash-signature": signature }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "BAD_REQUEST", reason: "missing_message_id" });
    expect(await cancelFlag(org.subId)).toBe(false);
  });

  it("retries the orgs that failed by a follow-up message until Stripe answers, and surfaces those that never recover", async () => {
    const flaky = await driftedOrg();
    const broken = await driftedOrg();
    await changeCard(flaky.customer);
    await changeCard(broken.customer);
    // The batch and the first retry fail for `flaky`; every attempt fails for `broken`.
    await injectStripeFault({ method: "GET", path: `/v1/customers/${flaky.customer}`, count: 2 });
    await injectStripeFault({ method: "GET", path: `/v1/customers/${broken.customer}`, count: 1 + 1 + ORG_RETRIES });
    const errors = vi.spyOn(console, "error");
    onTestFinished(() => errors.mockRestore());
    const published = watchPublished();
    const { messageId } = await app.client.publishJSON({ url: publicUrl(), body: {} });
    await app.standIn.settle();

    expect(await cancelFlag(flaky.subId)).toBe(true);
    expect(await cancelFlag(broken.subId)).toBe(false);
    const retry = published().find((m) => (bodyOf(m).organizationIds as string[] | undefined)?.includes(broken.orgId));
    expect(retry).toBeDefined();
    expect(bodyOf(retry!)).toMatchObject({ runId: messageId, organizationIds: expect.arrayContaining([flaky.orgId, broken.orgId]) });
    // QStash retried it while orgs failed, then gave up (its DLQ holds it).
    expect(retry!.attempts.map((a) => a.status)).toEqual(Array(1 + ORG_RETRIES).fill(500));
    expect(retry!.state).toBe("FAILED");
    const row = await delivery(retry!.messageId);
    expect(row).toMatchObject({ status: "FAILED", attempts: 1 + ORG_RETRIES });
    expect((row!.result as { failed: string[] }).failed).toEqual(expect.arrayContaining([broken.orgId]));
    expect((row!.result as { failed: string[] }).failed).not.toContain(flaky.orgId);
    const logged = errors.mock.calls.map(([line]) => String(line)).filter((line) => line.includes(broken.orgId));
    expect(logged.some((line) => JSON.parse(line).level === "error")).toBe(true);
    // The operators hear of it once, when QStash's last attempt fails.
    const alerts = await db.notification.findMany({ where: { kind: "operator-alert", dedupeKey: `job:billing-sync:${retry!.messageId}:given_up` } });
    expect(alerts.map((a) => a.recipient).sort()).toEqual(["finance@vantflow.test", "ops@vantflow.test"]);
    expect(alerts[0]!.text).toContain(broken.orgId);
    expect(alerts[0]!.text).not.toContain(flaky.orgId);
  });

  it("registers the daily schedule at 02:00 UTC, idempotently", async () => {
    await registerSchedules(app.client, "https://billing.example.test");
    await registerSchedules(app.client, "https://billing.example.test");
    const ids = (await app.client.schedules.list()).map((s) => s.scheduleId).filter((id) => id === JOB_SCHEDULES[0].scheduleId);
    expect(ids).toHaveLength(1);
    expect(await app.client.schedules.get(JOB_SCHEDULES[0].scheduleId)).toMatchObject({
      cron: "0 2 * * *",
      destination: "https://billing.example.test/api/jobs/billing-sync",
    });
  });
  it("publishes the failures saved with a run (even by a call that crashed before publishing) as retries of at most 500 orgs, once", async () => {
    // 1,200 failures saved with a run whose last call never published them.
    const failedOrgIds = Array.from({ length: 1_200 }, (_, i) => `org_saved_failure_${i}`);
    const runId = `saved-failures-${Date.now()}`;
    await db.billingReconcileRun.create({ data: { id: runId, ticket: 1n, phase: "done", status: "done", failedOrgIds } });
    const published = watchPublished();
    for (let i = 0; i < 2; i++) {
      // A late delivery of the run (and a repeat of it): it only publishes what the run saved.
      await app.client.publishJSON({ url: publicUrl(), body: { runId, cursor: "apply:" } });
      await app.standIn.settle();
    }
    const retries = published().filter((m) => bodyOf(m).organizationIds);
    expect(retries.map((m) => (bodyOf(m).organizationIds as string[]).length)).toEqual([500, 500, 200]);
    expect(retries.flatMap((m) => bodyOf(m).organizationIds as string[])).toEqual(failedOrgIds);
    for (const m of retries) expect(m.state).not.toBe("FAILED");
  });
});
