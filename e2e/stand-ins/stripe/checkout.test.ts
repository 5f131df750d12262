import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { withStripeStandIn } from "./test-fixtures";

// The API side through the SDK; the hosted form is posted the way a browser posts it
// (the Chromium flow is e2e/stripe-checkout.spec.ts).
const SECRET = "sk_test_checkout";
const t = withStripeStandIn(SECRET);


const submit = (url: string, form: Record<string, string>) =>
  fetch(url, { method: "POST", body: new URLSearchParams(form), redirect: "manual" });

describe("Stripe stand-in Checkout", () => {
  it("setup mode saves a card for an existing customer and makes it the default when there is none", async () => {
    const customer = await t.stripe.customers.create({ email: "setup@example.test" });
    const cs = await t.stripe.checkout.sessions.create({
      mode: "setup",
      customer: customer.id,
      currency: "usd",
      success_url: "http://app.test/pm?session_id={CHECKOUT_SESSION_ID}",
    });
    expect(cs).toMatchObject({ status: "open", mode: "setup", url: expect.stringContaining(`/checkout/${cs.id}`) });
    const page = await fetch(cs.url!);
    expect(await page.text()).toContain("Save card");

    const res = await submit(cs.url!, { cardNumber: "5555 5555 5555 4444", cardExpiry: "01 / 31", cardCvc: "123", name: "Sam" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`http://app.test/pm?session_id=${cs.id}`);
    const pms = await t.stripe.customers.listPaymentMethods(customer.id);
    expect(pms.data.map((p) => p.card?.last4)).toEqual(["4444"]);
    const after = (await t.stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    expect(after.invoice_settings.default_payment_method).toBe(pms.data[0]!.id);
    expect(await t.stripe.checkout.sessions.retrieve(cs.id)).toMatchObject({ status: "complete", subscription: null });

    const again = await submit(cs.url!, { cardNumber: "4242424242424242", cardExpiry: "01/31", cardCvc: "1" });
    expect(again.status).toBe(400);
  });

  it("refuses unknown modes and an expired session's page", async () => {
    await expect(
      t.stripe.checkout.sessions.create({ mode: "payment", success_url: "http://app.test/ok", line_items: [] }),
    ).rejects.toMatchObject({ param: "mode" });
    const customer = await t.stripe.customers.create({});
    const cs = await t.stripe.checkout.sessions.create({ mode: "setup", customer: customer.id, currency: "usd", success_url: "http://app.test/ok" });
    await t.stripe.checkout.sessions.expire(cs.id);
    expect(await (await fetch(cs.url!)).text()).toContain("This Checkout Session is expired.");
  });
});
