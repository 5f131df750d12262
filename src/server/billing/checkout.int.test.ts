import { describe, expect, it } from "vitest";
import { getEntitlements } from "~/server/billing/entitlements";
import { db } from "~/server/clients/db";
import { customerOf, makeOwner, secondOrg, subscribe } from "~/test/billing";
import { advanceCustomerClock, deliverNew, payOnHostedPage, sdk } from "~/test/stripe";

const DAY = 86_400;
const owner = () => makeOwner();

describe("checkout", () => {
  it("5 concurrent starts: one session, one Stripe customer; the rest are refused, and only one subscription can be paid", async () => {
    const o = await owner();
    const starts = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => o.caller.billing.createCheckoutSession({ orgId: o.orgId, plan: "pro", interval: i % 2 ? "year" : "month" })),
    );
    const started = starts.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const refused = starts.flatMap((r) => (r.status === "rejected" ? [r.reason as { code: string; cause?: { details?: unknown } }] : []));
    expect(started).toHaveLength(1);
    expect(refused.map((e) => [e.code, e.cause?.details])).toEqual(Array(4).fill(["CONFLICT", { reason: "billing_change_in_progress" }]));
    const customers = await sdk.customers.list({ email: o.email });
    expect(customers.data).toHaveLength(1);
    expect(customers.data[0]!.metadata).toEqual({ organizationId: o.orgId });
    const customer = await customerOf(o.orgId);
    expect(customer).toBe(customers.data[0]!.id);

    // Sequential clicks after that: each new session expires the one before it.
    const later = [];
    for (const interval of ["month", "year", "month"] as const) later.push(await o.caller.billing.createCheckoutSession({ orgId: o.orgId, plan: "pro", interval }));
    const sessions = await sdk.checkout.sessions.list({ customer });
    expect(sessions.data.map((s) => s.status)).toEqual(["open", "expired", "expired", "expired"]);
    const payments = await Promise.allSettled([...started, ...later].map((s) => payOnHostedPage(s.url)));
    expect(payments.filter((p) => p.status === "fulfilled")).toHaveLength(1);
    const subs = await sdk.subscriptions.list({ customer, status: "all" });
    expect(subs.data).toHaveLength(1);
  });

  it("a second click after paying, with the webhook held back and the success page skipped, is refused: no second subscription", async () => {
    const o = await owner();
    const first = await o.caller.billing.createCheckoutSession({ orgId: o.orgId, plan: "pro", interval: "month" });
    await payOnHostedPage(first.url); // no completeCheckout, no webhook: our rows know nothing yet
    expect(await db.subscription.count({ where: { organizationId: o.orgId } })).toBe(0);
    await expect(o.caller.billing.createCheckoutSession({ orgId: o.orgId, plan: "business", interval: "month" })).rejects.toMatchObject({
      code: "CONFLICT",
      cause: { details: { reason: "already_subscribed" } },
    });
    const customer = await customerOf(o.orgId);
    expect((await sdk.subscriptions.list({ customer, status: "all" })).data).toHaveLength(1);
    expect((await sdk.checkout.sessions.list({ customer })).data).toHaveLength(1);
    // Asking Stripe also brought the rows up to date.
    expect(await db.subscription.findFirstOrThrow({ where: { organizationId: o.orgId } })).toMatchObject({ status: "trialing", plan: "pro" });
  });

  it("a new checkout expires the one left open in another tab, so it cannot start a second subscription", async () => {
    const o = await owner();
    const first = await o.caller.billing.createCheckoutSession({ orgId: o.orgId, plan: "pro", interval: "month" });
    await o.caller.billing.createCheckoutSession({ orgId: o.orgId, plan: "business", interval: "month" });
    const customer = await customerOf(o.orgId);
    const sessions = await sdk.checkout.sessions.list({ customer });
    expect(sessions.data.map((s) => s.status)).toEqual(["open", "expired"]);
    await expect(payOnHostedPage(first.url)).rejects.toThrow(/answered 4\d\d/);
  });

  it("the success page syncs at once: a trialing Pro subscription with 14 days left", async () => {
    const o = await owner();
    expect((await subscribe(o)).trial).toBe(true);
    const row = await db.subscription.findFirstOrThrow({ where: { organizationId: o.orgId } });
    expect(row).toMatchObject({ status: "trialing", plan: "pro", interval: "month", unitAmount: 2900, currency: "usd" });
    expect(row.trialEnd!.getTime() - row.trialStart!.getTime()).toBe(14 * DAY * 1000);
    const overview = await o.caller.billing.overview({ orgId: o.orgId });
    expect(overview).toMatchObject({ plan: "pro", status: "trialing", nextInvoice: { amount: 2900, currency: "usd" } });
    expect(overview.trialDaysLeft).toBeGreaterThanOrEqual(13);
    expect((await o.caller.billing.paymentMethods({ orgId: o.orgId }))[0]).toMatchObject({ brand: "visa", last4: "4242", isDefault: true });
    await expect(o.caller.billing.createCheckoutSession({ orgId: o.orgId, plan: "business", interval: "month" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("an org that has had a trial gets none on its next checkout", async () => {
    const o = await owner();
    await subscribe(o);
    const sub = await db.subscription.findFirstOrThrow({ where: { organizationId: o.orgId } });
    await sdk.subscriptions.cancel(sub.stripeSubscriptionId);
    await o.caller.billing.syncNow({ orgId: o.orgId });
    expect((await subscribe(o)).trial).toBe(false);
    // Both were created within one second (Stripe's `created` resolution): compared by status, not by time.
    const rows = await db.subscription.findMany({ where: { organizationId: o.orgId }, orderBy: { status: "asc" } });
    expect(rows.map((r) => [r.status, r.trialStart === null])).toEqual([
      ["active", true],
      ["canceled", false],
    ]);
  });

  it("past the trial the invoice is paid and the subscription active; the invoice is listed", async () => {
    const o = await owner();
    await subscribe(o);
    const customer = await customerOf(o.orgId);
    await advanceCustomerClock(customer, 15 * DAY);
    const results = await deliverNew(customer);
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(await o.caller.billing.overview({ orgId: o.orgId })).toMatchObject({ plan: "pro", status: "active", trialDaysLeft: null });
    const invoices = await o.caller.invoices.list({ orgId: o.orgId });
    expect(invoices.items.map((i) => [i.billingReason, i.status, i.amountPaid])).toEqual([
      ["subscription_cycle", "paid", 2900],
      ["subscription_create", "paid", 0],
    ]);
    expect(invoices.items[0]!.hostedInvoiceUrl).toMatch(/\/invoice\/in_/);
    expect(await o.caller.invoices.get({ orgId: o.orgId, invoiceId: invoices.items[0]!.id })).toMatchObject({ total: 2900 });
    // A page at a time, newest first, with a cursor.
    const first = await o.caller.invoices.list({ orgId: o.orgId, limit: 1 });
    expect(first.items.map((i) => i.billingReason)).toEqual(["subscription_cycle"]);
    const second = await o.caller.invoices.list({ orgId: o.orgId, limit: 1, cursor: first.nextCursor });
    expect(second).toMatchObject({ items: [{ billingReason: "subscription_create" }], nextCursor: null });
    // The trial's $0 invoice can be left out; its count still comes back for the "Show $0 invoices" toggle.
    expect(first.zeroCount).toBe(1);
    const charged = await o.caller.invoices.list({ orgId: o.orgId, hideZero: true });
    expect(charged).toMatchObject({ items: [{ billingReason: "subscription_cycle", total: 2900 }], nextCursor: null, zeroCount: 1 });
  });

  it("with card 0341: past_due after the trial, Pro limits for the 7-day grace, then free", async () => {
    const o = await owner();
    await subscribe(o, "4000 0000 0000 0341");
    const customer = await customerOf(o.orgId);
    await advanceCustomerClock(customer, 15 * DAY);
    await deliverNew(customer);
    const row = await db.subscription.findFirstOrThrow({ where: { organizationId: o.orgId } });
    expect(row.status).toBe("past_due");
    const since = row.pastDueSince!;
    expect(since.getTime()).toBe(row.trialEnd!.getTime());
    const at = (days: number) => new Date(since.getTime() + days * DAY * 1000);
    expect(await getEntitlements(o.orgId, at(6))).toMatchObject({ plan: "pro", status: "past_due", limits: { gemini_tokens: 2_000_000 } });
    expect(await getEntitlements(o.orgId, at(8))).toMatchObject({ plan: "free", status: "past_due", subscribedPlan: "pro", limits: { gemini_tokens: 100_000 } });
    const failed = (await o.caller.invoices.list({ orgId: o.orgId })).items[0]!;
    expect(failed).toMatchObject({ status: "open", attemptCount: 1, amountRemaining: 2900 });
  });
});

describe("the checkout return and sync now ask Stripe only for what they may", () => {
  it("an id that is not a Checkout Session's is refused before Stripe is asked", async () => {
    const o = await owner();
    // A cs_ id Stripe does not know: Stripe was asked, and said so.
    await expect(o.caller.billing.completeCheckout({ orgId: o.orgId, sessionId: "cs_test_unknown" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    for (const sessionId of ["sub_123", "pi_123", "cus_123", "seti_123"]) {
      await expect(o.caller.billing.completeCheckout({ orgId: o.orgId, sessionId })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        cause: { details: { reason: "not_a_checkout_session" }, fieldErrors: { sessionId: ["That is not a Checkout Session id."] } },
      });
    }
  });

  const refusedBy = (limit: string) => ({ code: "TOO_MANY_REQUESTS", cause: { code: "RATE_LIMITED", details: { reason: `${limit}_rate_limited` } } });

  it("one org gets 30 syncs in 10 minutes, the checkout return's included; then 429 with Retry-After", async () => {
    const o = await owner();
    for (let i = 0; i < 29; i++) expect(await o.caller.billing.syncNow({ orgId: o.orgId })).toEqual({ status: "no_customer" });
    await expect(o.caller.billing.completeCheckout({ orgId: o.orgId, sessionId: "cs_test_unknown" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(o.caller.billing.syncNow({ orgId: o.orgId })).rejects.toMatchObject(refusedBy("stripeSyncOrg"));
    await expect(o.caller.billing.completeCheckout({ orgId: o.orgId, sessionId: "cs_test_unknown" })).rejects.toMatchObject({
      ...refusedBy("stripeSyncOrg"),
      cause: { headers: { "Retry-After": expect.stringMatching(/^\d+$/) } },
    });
  });

  it("one user gets 60 across their orgs: a third org of theirs is refused too", async () => {
    const o = await owner();
    const orgs = [o, await secondOrg(o, "Second"), await secondOrg(o, "Third")];
    for (const org of orgs.slice(0, 2)) for (let i = 0; i < 30; i++) await org.caller.billing.syncNow({ orgId: org.orgId });
    await expect(orgs[2]!.caller.billing.syncNow({ orgId: orgs[2]!.orgId })).rejects.toMatchObject(refusedBy("stripeSyncUser"));
  });
});
