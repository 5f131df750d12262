import { describe, expect, it } from "vitest";
import {
  detectBillingTransitions,
  type BillingSnapshot,
  type InvoiceSnapshot,
  type SubscriptionSnapshot,
} from "~/server/billing/billing-transitions";

const DAY = 86_400_000;
const now = new Date("2026-03-10T12:00:00.000Z");
const ctx = { now };

const sub = (over: Partial<SubscriptionSnapshot> = {}): SubscriptionSnapshot => ({
  stripeSubscriptionId: "sub_1",
  status: "active",
  plan: "pro",
  interval: "month",
  trialEnd: null,
  trialStart: null,
  stripePriceId: "price_pro_month",
  currentPeriodStart: new Date("2026-03-01T00:00:00.000Z"),
  ...over,
});
const invoice = (over: Partial<InvoiceSnapshot> = {}): InvoiceSnapshot => ({
  stripeInvoiceId: "in_1",
  stripeSubscriptionId: "sub_1",
  status: "open",
  billingReason: "subscription_cycle",
  attemptCount: 0,
  amountPaid: 0,
  amountRemaining: 2900,
  currency: "usd",
  hostedInvoiceUrl: "https://invoice.stripe.test/in_1",
  number: "INV-0001",
  paidAt: null,
  stripeCreatedAt: new Date(now.getTime() - DAY),
  nextPaymentAttempt: null,
  ...over,
});
const state = (subscriptions: SubscriptionSnapshot[] = [], invoices: InvoiceSnapshot[] = []): BillingSnapshot => ({ subscriptions, invoices });
const keys = (before: BillingSnapshot, after: BillingSnapshot, c = ctx) => detectBillingTransitions(before, after, c).map((t) => t.dedupeKey);

const trialing = sub({ status: "trialing", trialStart: new Date(now.getTime() - 4 * DAY), trialEnd: new Date(now.getTime() + 10 * DAY) });
const justTrialing = { ...trialing, trialStart: new Date(now.getTime() - 3_600_000) };
const PS = "2026-03-01T00:00:00.000Z";
const failedOnce = invoice({ attemptCount: 1 });
const paid = invoice({ status: "paid", attemptCount: 2, amountPaid: 2900, amountRemaining: 0, paidAt: now });

describe("detectBillingTransitions", () => {
  it.each([
    ["a trialing subscription appears", state(), state([justTrialing]), ["sub:sub_1:trial_started"]],
    ["an incomplete one becomes trialing", state([sub({ status: "incomplete" })]), state([trialing]), ["sub:sub_1:trial_started"]],
    [
      "the trial ends within 3 days (Stripe's now)",
      state([trialing]),
      state([{ ...trialing, trialEnd: new Date(now.getTime() + 3 * DAY) }]),
      [`sub:sub_1:trial_will_end:${new Date(now.getTime() + 3 * DAY).toISOString()}`],
    ],
    ["an invoice's first charge fails", state([trialing], []), state([sub({ status: "past_due" })], [failedOnce]), ["invoice:in_1:payment_failed:1"]],
    ["a retry fails too", state([sub({ status: "past_due" })], [failedOnce]), state([sub({ status: "past_due" })], [invoice({ attemptCount: 2 })]), ["invoice:in_1:payment_failed:2"]],
    ["the invoice is paid after failing: recovery", state([sub({ status: "past_due" })], [failedOnce]), state([sub()], [paid]), ["invoice:in_1:paid"]],
    ["a cycle invoice appears paid", state([sub()]), state([sub()], [paid]), ["invoice:in_1:paid"]],
    ["a live subscription ends", state([sub()]), state([sub({ status: "canceled" })]), ["sub:sub_1:canceled"]],
    ["the plan changes", state([sub()]), state([sub({ plan: "business", stripePriceId: "price_biz" })]), [`sub:sub_1:plan_changed:price_biz:month:${PS}:`]],
    ["the interval changes", state([sub()], [paid]), state([sub({ interval: "year", stripePriceId: "price_pro_year" })], [paid]), [`sub:sub_1:plan_changed:price_pro_year:year:${PS}:in_1`]],
  ])("%s", (_, before, after, expected) => {
    expect(keys(before, after)).toEqual(expected);
  });

  it.each([
    ["nothing", state()],
    ["an active subscription with a paid invoice", state([sub()], [paid])],
    ["a past_due subscription with a failed invoice", state([sub({ status: "past_due" })], [failedOnce])],
    ["a canceled subscription", state([sub({ status: "canceled" })])],
    ["a trialing subscription far from its end", state([trialing])],
  ])("no transition when before equals after: %s", (_, same) => {
    expect(keys(same, same)).toEqual([]);
  });

  it("an older state delivered after a newer one (reordered) is never written, and the newer one repeated causes nothing", () => {
    // The sync's ticket refuses the older write; the newer state arriving again is before == after.
    const newer = state([sub()], [paid]);
    expect(keys(newer, newer)).toEqual([]);
    // Had an old failure state been read again, its attempt is one already sent (same key), never a new one.
    expect(keys(state([sub()], [paid]), state([sub({ status: "past_due" })], [failedOnce]))).toEqual(["invoice:in_1:payment_failed:1"]);
  });

  it("the trial warning is a fact of the confirmed state: the same trial end gives the same key on every sync, and none once past or far", () => {
    const soon = state([{ ...trialing, trialEnd: new Date(now.getTime() + DAY) }]);
    expect(keys(soon, soon)).toEqual(keys(state([trialing]), soon));
    expect(keys(soon, soon, { ...ctx, now: new Date(now.getTime() + 2 * DAY) })).toEqual([]);
  });

  it("A→B→A→B: a genuine change back and forth (each with its proration invoice) is sent each time; a flap of one Stripe state adds nothing", () => {
    const a = (inv: InvoiceSnapshot[]) => state([sub()], inv);
    const b = (inv: InvoiceSnapshot[]) => state([sub({ plan: "business", stripePriceId: "price_biz" })], inv);
    const i1 = invoice({ stripeInvoiceId: "in_1", status: "paid", stripeCreatedAt: new Date(now.getTime() - 3 * DAY) });
    const i2 = invoice({ stripeInvoiceId: "in_2", status: "paid", stripeCreatedAt: new Date(now.getTime() - 2 * DAY) });
    const i3 = invoice({ stripeInvoiceId: "in_3", status: "paid", stripeCreatedAt: new Date(now.getTime() - DAY) });
    const genuine = [keys(a([]), b([i1])), keys(b([i1]), a([i1, i2])), keys(a([i1, i2]), b([i1, i2, i3]))].flat().filter((k) => k.includes("plan_changed"));
    expect(new Set(genuine).size).toBe(3);
    // Reads of one state of Stripe landing as A→B→A→B: the second B meets the first B's key.
    const flap = [keys(a([i1]), b([i1])), keys(b([i1]), a([i1])), keys(a([i1]), b([i1]))].flat();
    expect(flap[0]).toBe(flap[2]);
  });

  it("back on Free only when no live subscription remains and the ended one had the plan", () => {
    expect(keys(state([sub({ status: "incomplete" })]), state([sub({ status: "incomplete_expired" })]))).toEqual([]);
    const other = sub({ stripeSubscriptionId: "sub_2" });
    expect(keys(state([sub(), other]), state([sub({ status: "canceled" }), other]))).toEqual([]);
    expect(keys(state([sub({ status: "unpaid" })]), state([sub({ status: "canceled" })]))).toEqual(["sub:sub_1:canceled"]);
  });

  it("old rows seen for the first time (restore, re-link, the reconcile's first listing) are not news", () => {
    const old = new Date(now.getTime() - 40 * DAY);
    expect(keys(state(), state([trialing]))).toEqual([]);
    expect(keys(state(), state([sub()], [invoice({ attemptCount: 1, stripeCreatedAt: old })]))).toEqual([]);
    // Still being retried by Stripe: the dunning is current.
    expect(keys(state(), state([sub()], [invoice({ attemptCount: 1, stripeCreatedAt: old, nextPaymentAttempt: new Date(now.getTime() + DAY) })]))).toEqual([
      "invoice:in_1:payment_failed:1",
    ]);
    expect(keys(state(), state([sub()], [{ ...paid, stripeCreatedAt: old, paidAt: new Date(now.getTime() - DAY) }]))).toEqual(["invoice:in_1:paid"]);
    // Seen before: no recency needed.
    expect(keys(state([sub()], [invoice({ stripeCreatedAt: old })]), state([sub()], [invoice({ attemptCount: 1, stripeCreatedAt: old })]))).toEqual([
      "invoice:in_1:payment_failed:1",
    ]);
  });

  it("a trial that starts within 3 days of its end is announced as started, not also as ending", () => {
    const short = { ...justTrialing, trialEnd: new Date(now.getTime() + 2 * DAY) };
    expect(keys(state(), state([short]))).toEqual(["sub:sub_1:trial_started"]);
    expect(keys(state([short]), state([short]))).toEqual([`sub:sub_1:trial_will_end:${short.trialEnd.toISOString()}`]);
  });

  it("carries what the emails need", () => {
    const [succeeded] = detectBillingTransitions(state([sub({ status: "past_due" })], [failedOnce]), state([sub()], [paid]), ctx);
    expect(succeeded).toMatchObject({ kind: "payment_succeeded", recovered: true, invoice: { amountPaid: 2900, currency: "usd" } });
    const [plain] = detectBillingTransitions(state([sub()]), state([sub()], [paid]), ctx);
    expect(plain).toMatchObject({ kind: "payment_succeeded", recovered: false });
    const [change] = detectBillingTransitions(state([sub()]), state([sub({ plan: "business", interval: "year" })]), ctx);
    expect(change).toMatchObject({ kind: "plan_changed", from: { plan: "pro", interval: "month" }, to: { plan: "business", interval: "year" } });
  });

  it("sends nothing for a $0 invoice, a failed first charge in Checkout, a payment long ago or an ended subscription seen for the first time", () => {
    expect(keys(state(), state([], [invoice({ status: "paid", amountPaid: 0, amountRemaining: 0, paidAt: now })]))).toEqual([]);
    expect(keys(state(), state([], [invoice({ attemptCount: 1, billingReason: "subscription_create" })]))).toEqual([]);
    expect(keys(state(), state([], [{ ...paid, paidAt: new Date(now.getTime() - 30 * DAY) }]))).toEqual([]);
    expect(keys(state(), state([sub({ status: "canceled" })]))).toEqual([]);
  });
});
