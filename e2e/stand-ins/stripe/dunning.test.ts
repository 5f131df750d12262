import type Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { withStripeStandIn } from "./test-fixtures";

// An account whose retry settings mark a subscription unpaid after the last failed retry.
const SECRET = "sk_test_dunning";
const t = withStripeStandIn(SECRET, { afterFinalRetry: "mark_unpaid" });
const DAY = 86_400;
const T0 = Date.UTC(2026, 4, 1) / 1000;
let monthly: Stripe.Price;

beforeAll(async () => {
  const product = await t.stripe.products.create({ name: "Pro" });
  monthly = await t.stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 2900, recurring: { interval: "month" } });
});

async function customerOnClock(card?: string) {
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: T0 });
  const customer = await t.stripe.customers.create({ test_clock: clock.id });
  if (card) {
    const pm = await t.stripe.paymentMethods.attach(card, { customer: customer.id });
    await t.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  }
  return { clock, customer };
}

const typesFor = async (subscription: string) =>
  (await t.stripe.events.list({ limit: 100 })).data
    .filter((e) => (e.data.object as { id: string }).id === subscription)
    .map((e) => e.type)
    .reverse();

describe("Stripe stand-in dunning, pause and resume", () => {
  it("after the last failed retry the subscription is unpaid; paying the open invoice makes it active", async () => {
    const { clock, customer } = await customerOnClock("pm_card_chargeCustomerFail");
    const sub = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }], trial_period_days: 14 });
    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 25 * DAY });
    const unpaid = await t.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    expect(unpaid.status).toBe("unpaid");
    const invoice = unpaid.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: "open", attempt_count: 4, next_payment_attempt: null });
    expect(await typesFor(sub.id)).toContain("customer.subscription.updated");

    // The failing card again: a card error, nothing changes.
    await expect(t.stripe.invoices.pay(invoice.id)).rejects.toMatchObject({ type: "StripeCardError", code: "card_declined" });
    expect((await t.stripe.subscriptions.retrieve(sub.id)).status).toBe("unpaid");

    const good = await t.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const paid = await t.stripe.invoices.pay(invoice.id, { payment_method: good.id });
    expect(paid).toMatchObject({ status: "paid", amount_paid: 2900 });
    expect((await t.stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
    await expect(t.stripe.invoices.pay(invoice.id)).rejects.toMatchObject({ type: "StripeInvalidRequestError" });
  });

  it("a trial that ends without a card pauses when asked to, and resumes once a card is added", async () => {
    const { clock, customer } = await customerOnClock();
    const sub = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      trial_period_days: 14,
      trial_settings: { end_behavior: { missing_payment_method: "pause" } },
    });
    await expect(t.stripe.subscriptions.resume(sub.id)).rejects.toMatchObject({ type: "StripeInvalidRequestError" });
    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 15 * DAY });
    expect((await t.stripe.subscriptions.retrieve(sub.id)).status).toBe("paused");
    expect((await t.stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(1); // only the trial's $0 invoice

    const pm = await t.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    await t.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
    const resumed = await t.stripe.subscriptions.resume(sub.id, { expand: ["latest_invoice"] });
    expect(resumed).toMatchObject({ status: "active", billing_cycle_anchor: T0 + 15 * DAY });
    expect(resumed.items.data[0]).toMatchObject({ current_period_start: T0 + 15 * DAY });
    expect(resumed.latest_invoice).toMatchObject({ status: "paid", amount_paid: 2900 });
    expect(await typesFor(sub.id)).toEqual(expect.arrayContaining(["customer.subscription.paused", "customer.subscription.resumed"]));
  });

  it("a trial set to cancel at period end ends at the trial's end without an invoice", async () => {
    const { clock, customer } = await customerOnClock("pm_card_visa");
    const sub = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }], trial_period_days: 14 });
    await t.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    const undone = await t.stripe.subscriptions.update(sub.id, { cancel_at_period_end: false });
    expect(undone).toMatchObject({ cancel_at_period_end: false, cancel_at: null, canceled_at: null });
    await t.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 15 * DAY });
    expect(await t.stripe.subscriptions.retrieve(sub.id)).toMatchObject({ status: "canceled", ended_at: T0 + 14 * DAY });
    expect((await t.stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(1);
  });
});
