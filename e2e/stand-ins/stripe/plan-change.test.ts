import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStripeStandIn, type StripeStandIn } from "./server";

const SECRET = "sk_test_plan_change";
const DAY = 86_400;
const T0 = Date.UTC(2026, 2, 1) / 1000; // 1 March: a 31-day period
let standIn: StripeStandIn;
let stripe: Stripe;
const prices: Record<string, Stripe.Price> = {};

beforeAll(async () => {
  standIn = await startStripeStandIn({ secretKey: SECRET });
  stripe = new Stripe(SECRET, { host: "127.0.0.1", port: standIn.port, protocol: "http", maxNetworkRetries: 0 });
  const pro = await stripe.products.create({ name: "Pro" });
  const business = await stripe.products.create({ name: "Business" });
  prices.proMonthly = await stripe.prices.create({ product: pro.id, currency: "usd", unit_amount: 2900, recurring: { interval: "month" } });
  prices.proYearly = await stripe.prices.create({ product: pro.id, currency: "usd", unit_amount: 29000, recurring: { interval: "year" } });
  prices.businessMonthly = await stripe.prices.create({ product: business.id, currency: "usd", unit_amount: 14900, recurring: { interval: "month" } });
});
afterAll(() => standIn.close());

async function activeSubscription() {
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
  const customer = await stripe.customers.create({ test_clock: clock.id });
  await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
  const pm = (await stripe.customers.listPaymentMethods(customer.id)).data[0]!;
  await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: prices.proMonthly!.id }] });
  return { clock, customer, sub };
}

describe("Stripe stand-in plan changes", () => {
  it("previews and then invoices an upgrade mid-period with prorations", async () => {
    const { sub } = await activeSubscription();
    const halfway = T0 + 15.5 * DAY; // exactly half of March
    const change = { items: [{ id: sub.items.data[0]!.id, price: prices.businessMonthly!.id }], proration_behavior: "always_invoice" as const, proration_date: halfway };
    const preview = await stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: change,
    });
    // Half of $149 charged, half of $29 credited.
    expect(preview.amount_due).toBe(7450 - 1450);
    expect((await stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(1); // the preview stored nothing

    const updated = await stripe.subscriptions.update(sub.id, change);
    expect(updated.items.data[0]!.price.id).toBe(prices.businessMonthly!.id);
    const latest = await stripe.invoices.retrieve(updated.latest_invoice as string);
    expect(latest).toMatchObject({ billing_reason: "subscription_update", amount_paid: 6000, status: "paid" });
  });

  it("create_prorations carries the difference into the next renewal invoice", async () => {
    const { clock, sub } = await activeSubscription();
    await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: prices.businessMonthly!.id }],
      proration_date: T0 + 15.5 * DAY,
    });
    expect((await stripe.invoices.list({ subscription: sub.id })).data).toHaveLength(1);
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 32 * DAY });
    const renewal = (await stripe.invoices.list({ subscription: sub.id })).data[0]!;
    expect(renewal).toMatchObject({ billing_reason: "subscription_cycle", amount_paid: 14900 + 6000 });
  });

  it("monthly → yearly restarts the cycle now and charges the year less unused time", async () => {
    const { sub } = await activeSubscription();
    const at = T0 + 15.5 * DAY;
    const updated = await stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: prices.proYearly!.id }],
      proration_date: at,
    });
    expect(updated.items.data[0]).toMatchObject({ current_period_start: at });
    expect(updated.items.data[0]!.current_period_end).toBeGreaterThan(at + 364 * DAY);
    expect(await stripe.invoices.retrieve(updated.latest_invoice as string)).toMatchObject({ amount_paid: 29000 - 1450 });
  });
});
