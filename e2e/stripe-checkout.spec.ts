import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import type Stripe from "stripe";
import { sdkFor } from "./stand-ins/stripe/sdk";
import { startStripeStandIn, type StripeStandIn } from "./stand-ins/stripe/server";

// The stand-in's hosted Checkout page, filled in by a real browser; state read back through the SDK.
const SECRET = "sk_test_checkout_e2e";
let standIn: StripeStandIn;
let stripe: Stripe;
let landing: Server;
let landingUrl: string;
let price: Stripe.Price;

test.beforeAll(async () => {
  standIn = await startStripeStandIn({ secretKey: SECRET });
  stripe = sdkFor(standIn.url, SECRET);
  landing = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<h1>Back in the app</h1>"));
  await new Promise<void>((r) => landing.listen(0, "127.0.0.1", r));
  landingUrl = `http://127.0.0.1:${(landing.address() as AddressInfo).port}`;
  const product = await stripe.products.create({ name: "VantFlow Pro" });
  price = await stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 2900, recurring: { interval: "month" } });
});
test.afterAll(async () => {
  await standIn.close();
  await new Promise<void>((r) => landing.close(() => r()));
});

async function session(opts: { trialDays?: number; customer?: string } = {}) {
  return stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price: price.id, quantity: 1 }],
    ...(opts.customer ? { customer: opts.customer } : { customer_email: "buyer@example.test" }),
    client_reference_id: "org_123",
    subscription_data: { ...(opts.trialDays ? { trial_period_days: opts.trialDays } : {}), metadata: { organizationId: "org_123" } },
    success_url: `${landingUrl}/dashboard/billing?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${landingUrl}/dashboard/billing?canceled=1`,
  });
}

async function pay(page: Page, card: string) {
  await page.getByLabel("Card number").fill(card);
  await page.getByLabel("Expiry (MM / YY)").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Name on card").fill("Buyer Example");
}

test("card 4242 starts a 14-day trial and returns to success_url with the session id", async ({ page }) => {
  const cs = await session({ trialDays: 14 });
  await page.goto(cs.url!);
  await expect(page.getByText("VantFlow Pro — $29.00 / month")).toBeVisible();
  await pay(page, "4242 4242 4242 4242");
  await page.getByRole("button", { name: "Start 14-day trial" }).click();
  await expect(page).toHaveURL(`${landingUrl}/dashboard/billing?session_id=${cs.id}`);

  const done = await stripe.checkout.sessions.retrieve(cs.id, { expand: ["subscription"] });
  expect(done).toMatchObject({ status: "complete", payment_status: "no_payment_required", client_reference_id: "org_123" });
  const sub = done.subscription as Stripe.Subscription;
  expect(sub).toMatchObject({ status: "trialing", metadata: { organizationId: "org_123" } });
  const customer = (await stripe.customers.retrieve(done.customer as string)) as Stripe.Customer;
  expect(customer.email).toBe("buyer@example.test");
  expect(customer.invoice_settings.default_payment_method).toBe(sub.default_payment_method);
  const types = (await stripe.events.list({ limit: 100 })).data.map((e) => e.type).reverse();
  expect(types.slice(types.indexOf("customer.created"))).toEqual(
    expect.arrayContaining(["customer.created", "payment_method.attached", "customer.subscription.created", "invoice.paid", "checkout.session.completed"]),
  );
  expect(types.at(-1)).toBe("checkout.session.completed");
});

test("card 4000…9995 is declined on the page, the form keeps what was typed, and nothing is created", async ({ page }) => {
  const customer = await stripe.customers.create({ email: "declined@example.test" });
  const cs = await session({ trialDays: 14, customer: customer.id });
  await page.goto(cs.url!);
  await pay(page, "4000 0000 0000 9995");
  await page.getByRole("button", { name: "Start 14-day trial" }).click();
  await expect(page.getByRole("alert")).toContainText("insufficient funds");
  // Only the card is to fix: it has the focus and is marked; the rest is still filled in.
  await expect(page.getByLabel("Card number")).toBeFocused();
  await expect(page.getByLabel("Card number")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Expiry (MM / YY)")).toHaveValue("12 / 34");
  await expect(page.getByLabel("Name on card")).toHaveValue("Buyer Example");
  expect((await stripe.checkout.sessions.retrieve(cs.id)).status).toBe("open");
  expect((await stripe.subscriptions.list({ customer: customer.id, status: "all" })).data).toHaveLength(0);
});

test("without a trial, 4000…0341 fails at payment; cancel returns to cancel_url", async ({ page }) => {
  const cs = await session();
  await page.goto(cs.url!);
  await pay(page, "4000 0000 0000 0341");
  await page.getByRole("button", { name: "Subscribe" }).click();
  await expect(page.getByRole("alert")).toContainText("declined");
  await page.getByRole("link", { name: "Cancel and go back" }).click();
  await expect(page).toHaveURL(`${landingUrl}/dashboard/billing?canceled=1`);
});

test("a past_due invoice is paid on its hosted page with a new card, and its PDF downloads", async ({ page }) => {
  const DAY = 86_400;
  const start = Math.floor(Date.now() / 1000);
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
  const customer = await stripe.customers.create({ email: "late@example.test", test_clock: clock.id });
  const failing = await stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id });
  await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: failing.id } });
  const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], trial_period_days: 14 });
  await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 15 * DAY });
  const pastDue = await stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
  expect(pastDue.status).toBe("past_due");
  const invoice = pastDue.latest_invoice as Stripe.Invoice;
  expect(invoice.hosted_invoice_url).toBe(`${standIn.url}/invoice/${invoice.id}`);

  const pdf = await page.request.get(invoice.invoice_pdf!);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  const body = (await pdf.body()).toString("latin1");
  expect(body.startsWith("%PDF-")).toBe(true);
  expect(body).toContain(`Invoice ${invoice.number}`);

  await page.goto(invoice.hosted_invoice_url!);
  await expect(page.getByText(`Invoice ${invoice.number}`)).toBeVisible();
  await expect(page.locator("[data-status]")).toHaveText("open");
  await page.getByLabel("Card number").fill("4000 0000 0000 9995");
  await page.getByLabel("Expiry (MM / YY)").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.getByRole("button", { name: "Pay $29.00" }).click();
  await expect(page.getByRole("alert")).toContainText("insufficient funds");

  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByLabel("Expiry (MM / YY)").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.getByRole("button", { name: "Pay $29.00" }).click();
  await expect(page.getByRole("status")).toHaveText("Payment received. Thank you!");
  await expect(page.locator("[data-status]")).toHaveText("paid");
  expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: "paid", amount_paid: 2900 });
  expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe("active");
});

test.describe("on a phone", () => {
  // A phone browser lays a page without a viewport meta out 980 px wide and shrinks it to fit.
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("Checkout, the billing portal and an invoice page fit a 390 px screen", async ({ page }) => {
    const customer = await stripe.customers.create({ email: "phone@example.test" });
    const pm = await stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], expand: ["latest_invoice"] });
    // A second plan with a long name, so that the portal's switch-plan list has a wide option.
    const business = await stripe.products.create({ name: "VantFlow Business for larger teams" });
    await stripe.prices.create({ product: business.id, currency: "usd", unit_amount: 14900, recurring: { interval: "month" } });
    const portal = await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: `${landingUrl}/dashboard/billing` });
    const pages = [
      { url: (await session({ trialDays: 14 })).url!, heading: "14 days free" },
      { url: portal.url, heading: "Manage your subscription" },
      { url: (sub.latest_invoice as Stripe.Invoice).hosted_invoice_url!, heading: "Download invoice (PDF)" },
    ];
    for (const { url, heading } of pages) {
      await page.goto(url);
      await expect(page.getByText(heading)).toBeVisible();
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      expect(innerWidth, `${heading}: laid out at the phone's width (viewport meta)`).toBe(390);
      expect(scrollWidth, `${heading}: no horizontal scroll`).toBeLessThanOrEqual(innerWidth);
    }
  });
});
