import { describe, expect, it } from "vitest";
import { withPlanPrices, withStripeStandIn } from "./test-fixtures";

const SECRET = "sk_test_plan_change";
const t = withStripeStandIn(SECRET);
const DAY = 86_400;
const T0 = Date.UTC(2026, 2, 1) / 1000; // 1 March: a 31-day period
const prices = withPlanPrices(t);

async function activeSubscription() {
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: T0 });
  const customer = await t.stripe.customers.create({ test_clock: clock.id });
  await t.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
  const pm = (await t.stripe.customers.listPaymentMethods(customer.id)).data[0]!;
  await t.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  const sub = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: prices.proMonthly!.id }] });
  return { clock, customer, sub };
}

describe("Stripe stand-in plan changes", () => {
  it("previews and then invoices an upgrade mid-period with prorations", async () => {
    const { sub } = await activeSubscription();
    const halfway = T0 + 15.5 * DAY; // exactly half of March
    const change = { items: [{ id: sub.items.data[0]!.id, price: prices.businessMonthly!.id }], proration_behavior: "always_invoice" as const, proration_date: halfway };
    const preview = await t.stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: change,
    });
    // Half of $149 charged, half of $29 credited.
    expect(preview.amount_due).toBe(7450 - 1450);
    expect((await t.stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(1); // the preview stored nothing

    const updated = await t.stripe.subscriptions.update(sub.id, change);
    expect(updated.items.data[0]!.price.id).toBe(prices.businessMonthly!.id);
    const latest = await t.stripe.invoices.retrieve(updated.latest_invoice as string);
    expect(latest).toMatchObject({ billing_reason: "subscription_update", amount_paid: 6000, status: "paid", total: 6000 });
    // Stripe's two proration lines: a credit for unused Pro time and a charge for the rest of the month on Business.
    expect(latest.lines.data.map((l) => [l.amount, l.parent?.subscription_item_details?.proration, l.description])).toEqual([
      [-1450, true, "Unused time on Pro after 2026-03-16"],
      [7450, true, "Remaining time on 1 × Business after 2026-03-16"],
    ]);
  });

  it("create_prorations carries the difference into the next renewal invoice", async () => {
    const { clock, sub } = await activeSubscription();
    await t.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: prices.businessMonthly!.id }],
      proration_date: T0 + 15.5 * DAY,
    });
    expect((await t.stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(1);
    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 32 * DAY });
    const renewal = (await t.stripe.invoices.list({ subscription: sub.id })).data[0]!;
    expect(renewal).toMatchObject({ billing_reason: "subscription_cycle", amount_paid: 14900 + 6000 });
    expect(renewal.lines.data.map((l) => [l.amount, l.parent?.subscription_item_details?.proration])).toEqual([
      [-1450, true],
      [7450, true],
      [14900, false],
    ]);
  });

  it("monthly → yearly restarts the cycle now and charges the year less unused time", async () => {
    const { sub } = await activeSubscription();
    const at = T0 + 15.5 * DAY;
    const updated = await t.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: prices.proYearly!.id }],
      proration_date: at,
    });
    expect(updated.items.data[0]).toMatchObject({ current_period_start: at });
    expect(updated.items.data[0]!.current_period_end).toBeGreaterThan(at + 364 * DAY);
    expect(await t.stripe.invoices.retrieve(updated.latest_invoice as string)).toMatchObject({ amount_paid: 29000 - 1450 });
  });
});
