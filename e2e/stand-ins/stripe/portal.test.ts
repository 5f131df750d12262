import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { fixtureKeys, withStripeStandIn } from "./test-fixtures";

const t = withStripeStandIn("sk_test_portal");

const post = (url: string, form: Record<string, string>) => fetch(url, { method: "POST", body: new URLSearchParams(form) });

describe("Stripe stand-in billing portal", () => {
  it("serves a hosted page that cancels at period end and switches plan, emitting subscription updates", async () => {
    const product = await t.stripe.products.create({ name: "Pro" });
    const monthly = await t.stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 2900, recurring: { interval: "month" } });
    const business = await t.stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 14900, recurring: { interval: "month" } });
    const customer = await t.stripe.customers.create({});
    const pm = await t.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const sub = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: monthly.id }], default_payment_method: pm.id });

    const session = await t.stripe.billingPortal.sessions.create({ customer: customer.id, return_url: "http://app.test/dashboard/billing" });
    expect(fixtureKeys("billing_portal.session").filter((k) => !(k in session))).toEqual([]);
    const page = await (await fetch(session.url)).text();
    expect(page).toContain(sub.id);
    expect(page).toContain("http://app.test/dashboard/billing");

    const switched = await post(`${session.url}/switch`, { subscription: sub.id, price: business.id });
    expect(await switched.text()).toContain("Your plan was updated.");
    expect((await t.stripe.subscriptions.retrieve(sub.id)).items.data[0]!.price.id).toBe(business.id);

    await post(`${session.url}/cancel`, { subscription: sub.id });
    const canceled = await t.stripe.subscriptions.retrieve(sub.id);
    expect(canceled).toMatchObject({ status: "active", cancel_at_period_end: true });
    const updates = (await t.stripe.events.list({ type: "customer.subscription.updated" })).data as Stripe.Event[];
    expect(updates[0]!.data.previous_attributes).toMatchObject({ cancel_at_period_end: false });

    const other = await t.stripe.customers.create({});
    const foreign = await t.stripe.billingPortal.sessions.create({ customer: other.id });
    expect((await post(`${foreign.url}/cancel`, { subscription: sub.id })).status).toBe(404);
  });
});
