import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { withPlanPrices, withStripeStandIn } from "./test-fixtures";

const t = withStripeStandIn("sk_test_trial_deletion");
const prices = withPlanPrices(t);
const T0 = Date.UTC(2026, 2, 1, 12) / 1000;

async function trialingCustomer(card = "4242424242424242") {
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: T0 });
  const customer = await t.stripe.customers.create({ email: "trial@example.test", test_clock: clock.id });
  const pm = await t.stripe.paymentMethods.create({ type: "card", card: { number: card, exp_month: 1, exp_year: 2031, cvc: "123" } });
  await t.stripe.paymentMethods.attach(pm.id, { customer: customer.id });
  const sub = await t.stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: prices.proMonthly.id }],
    trial_period_days: 14,
    default_payment_method: pm.id,
  });
  return { customer, pm, sub };
}

describe("Stripe stand-in: card fingerprints, ending a trial now, deleting a customer", () => {
  it("gives a card number the same fingerprint every time it is used, and another number another one", async () => {
    const a = await t.stripe.paymentMethods.create({ type: "card", card: { number: "4242424242424242", exp_month: 1, exp_year: 2031, cvc: "1" } });
    const b = await t.stripe.paymentMethods.create({ type: "card", card: { number: "4242424242424242", exp_month: 5, exp_year: 2032, cvc: "2" } });
    const magic = await t.stripe.paymentMethods.attach("pm_card_visa", { customer: (await t.stripe.customers.create({})).id });
    const other = await t.stripe.paymentMethods.create({ type: "card", card: { number: "5555555555554444", exp_month: 1, exp_year: 2031, cvc: "1" } });
    expect(a.card!.fingerprint).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(b.card!.fingerprint).toBe(a.card!.fingerprint);
    expect(magic.card!.fingerprint).toBe(a.card!.fingerprint);
    expect(other.card!.fingerprint).not.toBe(a.card!.fingerprint);
  });

  it("trial_end=now ends a trial at once and bills the first period", async () => {
    const { sub } = await trialingCustomer();
    const ended = await t.stripe.subscriptions.update(sub.id, { trial_end: "now" });
    expect(ended).toMatchObject({ status: "active", trial_start: T0, trial_end: T0 });
    const invoices = await t.stripe.invoices.list({ subscription: sub.id });
    expect(invoices.data[0]).toMatchObject({ status: "paid", amount_paid: 2900 });
    await expect(t.stripe.subscriptions.update(sub.id, { trial_end: T0 + 100 })).rejects.toMatchObject({ type: "StripeInvalidRequestError", param: "trial_end" });
  });

  it("deleting a customer cancels its live subscriptions", async () => {
    const { customer, sub } = await trialingCustomer();
    expect(await t.stripe.customers.del(customer.id)).toMatchObject({ id: customer.id, deleted: true });
    const after = (await t.stripe.subscriptions.retrieve(sub.id)) as Stripe.Subscription;
    expect(after).toMatchObject({ status: "canceled", ended_at: T0 });
    const types = (await t.stripe.events.list({ limit: 10 })).data.map((e) => e.type);
    expect(types.slice(0, 2)).toEqual(["customer.deleted", "customer.subscription.deleted"]);
  });
});
