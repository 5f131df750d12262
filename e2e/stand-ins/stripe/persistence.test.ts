import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Stripe from "stripe";
import { afterAll, describe, expect, it } from "vitest";
import { sdkFor } from "./sdk";
import { startStripeStandIn } from "./server";

// A stand-in started again on the same state file (as `npm run dev` does after a restart) must
// answer as the one that stopped: same objects, same order, same hidden state, same replies.
const SECRET = "sk_test_persistence";
const DAY = 86_400;
const T0 = Date.UTC(2026, 4, 1) / 1000;
const dir = mkdtempSync(join(tmpdir(), "vantflow-stand-in-state-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function eventually(ready: () => boolean) {
  while (!ready()) await new Promise((r) => setTimeout(r, 20));
}

/** A webhook endpoint that answers 500 until told to accept, and verifies what it accepts. */
async function receiver() {
  const received: Stripe.Event[] = [];
  const state = { attempts: 0, accepting: false, secret: "" };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      state.attempts++;
      if (!state.accepting) return void res.writeHead(500).end();
      const body = Buffer.concat(chunks).toString("utf8");
      received.push(new Stripe("sk_test_unused").webhooks.constructEvent(body, String(req.headers["stripe-signature"]), state.secret));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, state, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("Stripe stand-in state across a restart", () => {
  it("finds every object in the same order, with the state it keeps off the wire and its idempotent replies", async () => {
    const statePath = join(dir, "objects.json");
    let standIn = await startStripeStandIn({ secretKey: SECRET, statePath });
    let stripe = sdkFor(standIn.url, SECRET);
    const product = await stripe.products.create({ name: "Pro" });
    const price = await stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 2900, recurring: { interval: "month" } });
    for (let i = 0; i < 3; i++) await stripe.customers.create({ email: `same-second-${i}@example.test` });
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const params = { test_clock: clock.id, metadata: { organizationId: "org_1" } };
    const customer = await stripe.customers.create(params, { idempotencyKey: "customer-org_1" });
    // A card that attaches but fails when charged: only its number, kept off the wire, says so.
    const card = await stripe.paymentMethods.attach("pm_card_chargeCustomerFail", { customer: customer.id });
    await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: card.id } });
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], trial_period_days: 14 });
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: price.id, quantity: 1 }],
      subscription_data: { trial_period_days: 7 },
      success_url: "http://app.test/ok?session_id={CHECKOUT_SESSION_ID}",
    });
    const before = {
      customers: (await stripe.customers.list({ limit: 100 })).data,
      subscription: await stripe.subscriptions.retrieve(sub.id),
      events: (await stripe.events.list({ limit: 100 })).data.map((e) => e.id),
    };
    await standIn.close();

    standIn = await startStripeStandIn({ secretKey: SECRET, statePath });
    stripe = sdkFor(standIn.url, SECRET);
    try {
      expect((await stripe.customers.list({ limit: 100 })).data).toEqual(before.customers);
      expect(await stripe.subscriptions.retrieve(sub.id)).toEqual(before.subscription);
      expect((await stripe.events.list({ limit: 100 })).data.map((e) => e.id)).toEqual(before.events);

      const replay = await stripe.customers.create(params, { idempotencyKey: "customer-org_1" });
      expect(replay.id).toBe(customer.id);
      expect(replay.lastResponse.headers["idempotent-replayed"]).toBe("true");

      // The price on the subscription's item is the price itself, not a copy frozen at the restart.
      await stripe.prices.update(price.id, { metadata: { tier: "2" } });
      expect((await stripe.subscriptions.retrieve(sub.id)).items.data[0]!.price.metadata).toEqual({ tier: "2" });

      // The card still fails when charged: the first invoice after the trial leaves it past_due.
      await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 15 * DAY });
      expect(await stripe.subscriptions.retrieve(sub.id)).toMatchObject({ status: "past_due" });

      // The open Checkout Session completes with the trial it kept off the wire.
      const paid = await fetch(`${standIn.url}/checkout/${session.id}`, {
        method: "POST",
        body: new URLSearchParams({ cardNumber: "4242 4242 4242 4242", cardExpiry: "01 / 31", cardCvc: "123", name: "Sam" }),
        redirect: "manual",
      });
      expect(paid.status).toBe(303);
      const completed = await stripe.checkout.sessions.retrieve(session.id, { expand: ["subscription"] });
      expect(completed).toMatchObject({ status: "complete", subscription: { status: "trialing", customer: customer.id } });
      const sub2 = completed.subscription as Stripe.Subscription;
      expect(sub2.trial_end! - sub2.trial_start!).toBe(7 * DAY);

      // New objects list before the ones from before the restart.
      const newest = await stripe.customers.create({ email: "after@example.test" });
      expect((await stripe.customers.list({ limit: 1 })).data.map((c) => c.id)).toEqual([newest.id]);
    } finally {
      await standIn.close();
    }
  });

  it("makes after the restart a webhook delivery that was still under way when it stopped", async () => {
    const statePath = join(dir, "deliveries.json");
    const hook = await receiver();
    // The first retry would come a minute later: the stand-in stops before it.
    let standIn = await startStripeStandIn({ secretKey: SECRET, statePath, delivery: { retryBaseMs: 60_000 } });
    let stripe = sdkFor(standIn.url, SECRET);
    try {
      const endpoint = await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ["customer.created"] });
      hook.state.secret = endpoint.secret!;
      const customer = await stripe.customers.create({ email: "pending@example.test" });
      await eventually(() => hook.state.attempts === 1);
      await standIn.close();

      hook.state.accepting = true;
      standIn = await startStripeStandIn({ secretKey: SECRET, statePath, delivery: { retryBaseMs: 5 } });
      stripe = sdkFor(standIn.url, SECRET);
      await standIn.bus.settle();
      expect(hook.received.map((e) => [e.type, (e.data.object as Stripe.Customer).id])).toEqual([["customer.created", customer.id]]);
      expect((await stripe.events.retrieve(hook.received[0]!.id)).pending_webhooks).toBe(0);
    } finally {
      await standIn.close();
      await hook.close();
    }
  });
});
