import type Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { fixtureKeys, withStripeStandIn } from "./test-fixtures";

const SECRET = "sk_test_lifecycle";
const t = withStripeStandIn(SECRET);
const DAY = 86_400;
const T0 = Date.UTC(2026, 0, 10, 12) / 1000;
let monthly: Stripe.Price;

beforeAll(async () => {
  const product = await t.stripe.products.create({ name: "VantFlow Pro" });
  monthly = await t.stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 2900, recurring: { interval: "month" } });
});

async function customerOnClock(card: string) {
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: T0 });
  const customer = await t.stripe.customers.create({ email: "clock@example.test", test_clock: clock.id });
  const pm = await t.stripe.paymentMethods.attach(card, { customer: customer.id });
  await t.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  return { clock, customer };
}

const eventTypesSince = async (after: number, customer: string) =>
  (await t.stripe.events.list({ limit: 100 })).data
    .filter((e) => e.created >= after && (e.data.object as { customer?: string }).customer === customer)
    .map((e) => e.type)
    .reverse();

describe("Stripe stand-in billing lifecycle on a test clock", () => {
  it("trialing → trial ends → invoice paid with 4242 → active, then renews a month later", async () => {
    const { clock, customer } = await customerOnClock("pm_card_visa");
    const sub = await t.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: monthly.id }],
      trial_period_days: 14,
      expand: ["latest_invoice"],
    });
    expect(sub).toMatchObject({ status: "trialing", trial_start: T0, trial_end: T0 + 14 * DAY });
    expect(sub.items.data[0]).toMatchObject({ current_period_start: T0, current_period_end: T0 + 14 * DAY });
    expect(sub.latest_invoice).toMatchObject({ status: "paid", amount_due: 0, billing_reason: "subscription_create" });

    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 15 * DAY });
    const active = await t.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    expect(active.status).toBe("active");
    expect(active.items.data[0]!.current_period_start).toBe(T0 + 14 * DAY);
    expect(active.latest_invoice).toMatchObject({ status: "paid", amount_paid: 2900, currency: "usd", billing_reason: "subscription_cycle" });
    expect(await eventTypesSince(0, customer.id)).toEqual(
      expect.arrayContaining(["customer.subscription.trial_will_end", "invoice.payment_succeeded", "customer.subscription.updated"]),
    );

    const periodEnd = active.items.data[0]!.current_period_end;
    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: periodEnd + DAY });
    const invoices = await t.stripe.invoices.list({ customer: customer.id });
    expect(invoices.data.map((i) => [i.billing_reason, i.status, i.amount_paid])).toEqual([
      ["subscription_cycle", "paid", 2900],
      ["subscription_cycle", "paid", 2900],
      ["subscription_create", "paid", 0],
    ]);
  });

  it("with 4000…0341: past_due after the trial, retried, then canceled", async () => {
    const { clock, customer } = await customerOnClock("pm_card_chargeCustomerFail");
    const sub = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }], trial_period_days: 14 });
    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 15 * DAY });
    const pastDue = await t.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    expect(pastDue.status).toBe("past_due");
    const invoice = pastDue.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ status: "open", attempt_count: 1, next_payment_attempt: T0 + 17 * DAY });

    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 25 * DAY });
    const canceled = await t.stripe.subscriptions.retrieve(sub.id);
    expect(canceled).toMatchObject({ status: "canceled", ended_at: T0 + 21 * DAY, cancellation_details: { reason: "payment_failed" } });
    expect((await t.stripe.invoices.retrieve(invoice.id)).attempt_count).toBe(4);
    const types = await eventTypesSince(0, customer.id);
    expect(types.filter((t) => t === "invoice.payment_failed")).toHaveLength(4);
    expect(types.at(-1)).toBe("customer.subscription.deleted");
    expect((await t.stripe.subscriptions.list({ customer: customer.id })).data).toHaveLength(0);
    expect((await t.stripe.subscriptions.list({ customer: customer.id, status: "all" })).data).toHaveLength(1);
  });

  it("cancel_at_period_end ends the subscription at the period end, not before", async () => {
    const { clock, customer } = await customerOnClock("pm_card_visa");
    const sub = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] });
    expect(sub.status).toBe("active");
    const end = sub.items.data[0]!.current_period_end;
    await t.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: end - DAY });
    expect((await t.stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: end + DAY });
    expect(await t.stripe.subscriptions.retrieve(sub.id)).toMatchObject({ status: "canceled", ended_at: end });
    await expect(t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 })).rejects.toMatchObject({ param: "frozen_time" });
  });

  it("a subscription without a trial on a failing card is incomplete", async () => {
    const { customer } = await customerOnClock("pm_card_chargeCustomerFail");
    const sub = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }], expand: ["latest_invoice"] });
    expect(sub.status).toBe("incomplete");
    expect(sub.latest_invoice).toMatchObject({ status: "open", attempt_count: 1 });
  });

  it("objects carry every top-level field of Stripe's fixtures", async () => {
    const { clock, customer } = await customerOnClock("pm_card_visa");
    const sub = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }] });
    const invoice = await t.stripe.invoices.retrieve(sub.latest_invoice as string);
    const pi = t.standIn.store.list("payment_intent", { limit: 1 }).data[0]!;
    const event = (await t.stripe.events.list({ limit: 1 })).data[0]!;
    const objects: Record<string, object> = {
      subscription: sub,
      subscription_item: sub.items.data[0]!,
      invoice,
      payment_intent: await t.stripe.paymentIntents.retrieve(pi.id),
      "test_helpers.test_clock": await t.stripe.testHelpers.testClocks.retrieve(clock.id),
      subscription_schedule: await t.stripe.subscriptionSchedules.create({ from_subscription: sub.id }),
      event,
      "checkout.session": await t.stripe.checkout.sessions.create({
        mode: "subscription",
        customer: customer.id,
        line_items: [{ price: monthly.id, quantity: 1 }],
        success_url: "http://app.test/ok?session_id={CHECKOUT_SESSION_ID}",
      }),
    };
    for (const [type, object] of Object.entries(objects)) {
      expect({ type, missing: fixtureKeys(type).filter((k) => !(k in object)) }).toEqual({ type, missing: [] });
    }
  });
});
