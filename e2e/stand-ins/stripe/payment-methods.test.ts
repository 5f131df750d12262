import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { fixtureKeys, withStripeStandIn } from "./test-fixtures";

const SECRET = "sk_test_pm";
const t = withStripeStandIn(SECRET);


describe("Stripe stand-in payment methods", () => {
  it("attaches, lists, sets default and detaches a card; detaching the default clears it", async () => {
    const customer = await t.stripe.customers.create({ email: "pm@example.test" });
    const pm = await t.stripe.paymentMethods.create({ type: "card", card: { number: "4242424242424242", exp_month: 4, exp_year: 2031, cvc: "123" } });
    expect(pm.card).toMatchObject({ brand: "visa", last4: "4242", exp_month: 4, exp_year: 2031 });
    expect(JSON.stringify(pm)).not.toContain("4242424242424242");

    await t.stripe.paymentMethods.attach(pm.id, { customer: customer.id });
    const magic = await t.stripe.paymentMethods.attach("pm_card_mastercard", { customer: customer.id });
    expect(magic.card).toMatchObject({ brand: "mastercard", last4: "4444" });
    const updated = await t.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
    expect(updated.invoice_settings.default_payment_method).toBe(pm.id);

    const listed = await t.stripe.customers.listPaymentMethods(customer.id);
    expect(listed.data.map((x) => x.id).sort()).toEqual([pm.id, magic.id].sort());

    await t.stripe.paymentMethods.detach(pm.id);
    const after = (await t.stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    expect(after.invoice_settings.default_payment_method).toBeNull();
    expect((await t.stripe.paymentMethods.list({ customer: customer.id })).data.map((x) => x.id)).toEqual([magic.id]);
  });

  it("declines 4000 0000 0000 9995 at once and refuses a bad number", async () => {
    const customer = await t.stripe.customers.create({});
    const loose = await t.stripe.paymentMethods.create({ type: "card", card: { number: "4242424242424242", exp_month: 1, exp_year: 2032 } });
    await expect(
      t.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: loose.id } }),
    ).rejects.toMatchObject({ type: "StripeInvalidRequestError", param: "invoice_settings[default_payment_method]" });
    const declined = await t.stripe.paymentMethods.create({ type: "card", card: { number: "4000000000009995", exp_month: 1, exp_year: 2032 } });
    await expect(t.stripe.paymentMethods.attach(declined.id, { customer: customer.id })).rejects.toMatchObject({
      type: "StripeCardError",
      code: "card_declined",
      decline_code: "insufficient_funds",
      statusCode: 402,
    });
    await expect(t.stripe.paymentMethods.create({ type: "card", card: { number: "4242424242424241", exp_month: 1, exp_year: 2032 } })).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
    });
    // …0341 attaches; it fails only when charged.
    await expect(t.stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id })).resolves.toMatchObject({ customer: customer.id });
  });

  it("a payment_method carries every top-level field of Stripe's fixture", async () => {
    const pm = await t.stripe.paymentMethods.create({ type: "card", card: { number: "4242424242424242", exp_month: 1, exp_year: 2032 } });
    expect(fixtureKeys("payment_method").filter((k) => !(k in pm))).toEqual([]);
  });
});
