import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { subscriptionRow } from "~/server/billing/stripe-rows";

const noPending = { pendingPlan: null, pendingInterval: null };
/** A past-due subscription whose period began at `periodStart` and whose unpaid invoice was created at `invoiceCreated`. */
function pastDue(latest: string | { id: string; created: number }, periodStart: number) {
  return {
    id: "sub_1",
    customer: "cus_1",
    status: "past_due",
    currency: "usd",
    created: periodStart,
    cancel_at_period_end: false,
    metadata: {},
    latest_invoice: latest,
    items: { data: [{ quantity: 1, current_period_start: periodStart, current_period_end: periodStart + 2_592_000, price: { id: "price_x", unit_amount: 100 } }] },
  } as unknown as Stripe.Subscription;
}

describe("subscriptionRow pastDueSince", () => {
  const invoiceCreated = 1_700_000_000;
  const periodStart = invoiceCreated + 86_400;
  it("is the unpaid invoice's creation, from the invoices read", () => {
    const row = subscriptionRow(pastDue("in_1", periodStart), [{ id: "in_1", created: invoiceCreated } as Stripe.Invoice], noPending);
    expect(row.pastDueSince).toEqual(new Date(invoiceCreated * 1000));
  });
  it("is the same from an expanded latest_invoice when the invoices read do not hold it (the reconcile's window)", () => {
    const row = subscriptionRow(pastDue({ id: "in_1", created: invoiceCreated }, periodStart), [], noPending);
    expect(row.pastDueSince).toEqual(new Date(invoiceCreated * 1000));
  });
});
