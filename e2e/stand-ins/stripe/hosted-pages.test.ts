import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { withPlanPrices, withStripeStandIn } from "./test-fixtures";

// The hosted pages as a browser gets them: fetched and posted as forms, state set up through the SDK.
// (Chromium fills them in e2e/stripe-checkout.spec.ts and e2e/keyboard.spec.ts.)
const t = withStripeStandIn("sk_test_hosted_pages");
const prices = withPlanPrices(t);

const submit = (url: string, form: Record<string, string>) =>
  fetch(url, { method: "POST", body: new URLSearchParams(form), redirect: "manual" });

/** The opening tag of the element with `id`, e.g. `<input id="cardNumber" …>`. */
function tagOf(html: string, id: string) {
  const tag = new RegExp(`<[a-z]+ [^>]*id="${id}"[^>]*>`).exec(html)?.[0];
  if (!tag) throw new Error(`no element #${id} in the page`);
  return tag;
}
const attr = (tag: string, name: string) => new RegExp(`\\s${name}(?:="([^"]*)")?[\\s>]`).exec(tag)?.[1] ?? (new RegExp(`\\s${name}[\\s>]`).test(tag) ? "" : undefined);

const VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">';

async function payingCustomer(card: string) {
  const customer = await t.stripe.customers.create({ email: "hosted@example.test" });
  const pm = await t.stripe.paymentMethods.attach(card, { customer: customer.id });
  await t.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  return customer;
}

describe("Stripe stand-in hosted pages", () => {
  it("declare the phone viewport: Checkout, billing portal and invoice", async () => {
    const customer = await payingCustomer("pm_card_visa");
    const sub = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: prices.proMonthly.id }], expand: ["latest_invoice"] });
    const checkout = await t.stripe.checkout.sessions.create({ mode: "setup", customer: customer.id, currency: "usd", success_url: "http://app.test/ok" });
    const portal = await t.stripe.billingPortal.sessions.create({ customer: customer.id, return_url: "http://app.test/dashboard/billing" });
    const invoice = sub.latest_invoice as Stripe.Invoice;
    for (const url of [checkout.url!, portal.url, invoice.hosted_invoice_url!]) {
      const html = await (await fetch(url)).text();
      expect(html, url).toContain(VIEWPORT);
    }
  });

  it("Checkout keeps what was typed after a declined card (not the CVC) and puts the focus on the marked card number", async () => {
    const cs = await t.stripe.checkout.sessions.create({
      mode: "subscription",
      line_items: [{ price: prices.proMonthly.id, quantity: 1 }],
      customer_email: "first@example.test",
      subscription_data: { trial_period_days: 14 },
      success_url: "http://app.test/ok",
    });
    const typed = { email: "typed@example.test", cardNumber: "4000 0000 0000 9995", cardExpiry: "07 / 31", cardCvc: "987", name: "Ada <Lovelace>" };
    const res = await submit(cs.url!, typed);
    expect(res.status).toBe(402);
    const html = await res.text();

    expect(attr(tagOf(html, "email"), "value")).toBe("typed@example.test");
    expect(attr(tagOf(html, "cardExpiry"), "value")).toBe("07 / 31");
    expect(attr(tagOf(html, "name"), "value")).toBe("Ada &lt;Lovelace&gt;");
    expect(attr(tagOf(html, "cardCvc"), "value")).toBeUndefined();
    const card = tagOf(html, "cardNumber");
    expect(attr(card, "value")).toBe("4000 0000 0000 9995");
    expect(attr(card, "aria-invalid")).toBe("true");
    expect(attr(card, "autofocus")).toBe("");
    expect(attr(card, "aria-describedby")).toBe("card-error");
    expect(tagOf(html, "card-error")).toContain('role="alert"');
    expect(html).toMatch(/id="card-error"[^>]*>Your card has insufficient funds\.</);
    // Only one field takes the focus, and one alert is shown.
    expect(html.match(/autofocus/g)).toHaveLength(1);
    expect(html.match(/role="alert"/g)).toHaveLength(1);
    expect((await t.stripe.checkout.sessions.retrieve(cs.id)).status).toBe("open");
  });

  it("an error that is not about the card is shown once, above the form, and focused", async () => {
    const customer = await t.stripe.customers.create({});
    const cs = await t.stripe.checkout.sessions.create({ mode: "setup", customer: customer.id, currency: "usd", success_url: "http://app.test/ok" });
    expect((await submit(cs.url!, { cardNumber: "4242 4242 4242 4242", cardExpiry: "01 / 31", cardCvc: "1" })).status).toBe(303);
    const again = await submit(cs.url!, { cardNumber: "4242 4242 4242 4242", cardExpiry: "01 / 31", cardCvc: "1" });
    expect(again.status).toBe(400);
    const html = await again.text();
    expect(html).toMatch(/<div class="err" role="alert" tabindex="-1" autofocus>This Checkout Session is no longer open\.<\/div>/);
    expect(html).not.toContain('id="card-error"');
    expect(html.match(/role="alert"/g)).toHaveLength(1);
  });

  it("the invoice page keeps the card typed after a decline, marks it, and then takes a good card", async () => {
    const customer = await payingCustomer("pm_card_chargeCustomerFail");
    const sub = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: prices.proMonthly.id }], expand: ["latest_invoice"] });
    const invoice = sub.latest_invoice as Stripe.Invoice;
    expect(invoice.status).toBe("open");

    const declined = await submit(invoice.hosted_invoice_url!, { cardNumber: "4000 0000 0000 9995", cardExpiry: "03 / 33", cardCvc: "123" });
    expect(declined.status).toBe(402);
    const html = await declined.text();
    const card = tagOf(html, "cardNumber");
    expect(attr(card, "value")).toBe("4000 0000 0000 9995");
    expect(attr(card, "aria-invalid")).toBe("true");
    expect(attr(tagOf(html, "cardExpiry"), "value")).toBe("03 / 33");
    expect(attr(tagOf(html, "cardCvc"), "value")).toBeUndefined();

    const paid = await submit(invoice.hosted_invoice_url!, { cardNumber: "4242 4242 4242 4242", cardExpiry: "03 / 33", cardCvc: "123" });
    expect(paid.status).toBe(200);
    expect(await t.stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: "paid" });
  });
});
