import { describe, expect, it } from "vitest";
import {
  detectBillingTransitions,
  type BillingSnapshot,
  type InvoiceSnapshot,
  type SubscriptionSnapshot,
} from "~/server/billing/billing-transitions";

const DAY = 86_400_000;
const now = new Date("2026-03-10T12:00:00.000Z");
const ctx = { now, ticket: 42n };

const sub = (over: Partial<SubscriptionSnapshot> = {}): SubscriptionSnapshot => ({
  stripeSubscriptionId: "sub_1",
  status: "active",
  plan: "pro",
  interval: "month",
  trialEnd: null,
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
  ...over,
});
const state = (subscriptions: SubscriptionSnapshot[] = [], invoices: InvoiceSnapshot[] = []): BillingSnapshot => ({ subscriptions, invoices });
const keys = (before: BillingSnapshot, after: BillingSnapshot, c = ctx) => detectBillingTransitions(before, after, c).map((t) => t.dedupeKey);

const trialing = sub({ status: "trialing", trialEnd: new Date(now.getTime() + 10 * DAY) });
const failedOnce = invoice({ attemptCount: 1 });
const paid = invoice({ status: "paid", attemptCount: 2, amountPaid: 2900, amountRemaining: 0, paidAt: now });

describe("detectBillingTransitions", () => {
  it.each([
    ["a trialing subscription appears", state(), state([trialing]), ["sub:sub_1:trial_started"]],
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
    ["the plan changes", state([sub()]), state([sub({ plan: "business" })]), ["sub:sub_1:plan_changed:42"]],
    ["the interval changes", state([sub()]), state([sub({ interval: "year" })]), ["sub:sub_1:plan_changed:42"]],
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

  it("A→B→A→B: each plan change is its own notification, told apart by the sync's ticket", () => {
    const a = state([sub()]);
    const b = state([sub({ plan: "business" })]);
    const changes = [keys(a, b, { now, ticket: 1n }), keys(b, a, { now, ticket: 2n }), keys(a, b, { now, ticket: 3n })].flat();
    expect(new Set(changes).size).toBe(3);
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
