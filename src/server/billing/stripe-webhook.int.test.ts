import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { ensureStripeCustomer } from "~/server/billing/stripe-customer";
import { db } from "~/server/clients/db";
import { makeUser } from "~/test/factories";
import { deliver, eventsFor, injectStripeFault, prices, sdk } from "~/test/stripe";

/** An org with a Stripe customer and a card, ready for subscriptions made through the SDK. */
async function customerWithCard() {
  const { organization } = await makeUser("Webhook Org");
  const customer = await ensureStripeCustomer(organization.id);
  const pm = await sdk.paymentMethods.attach("pm_card_visa", { customer });
  await sdk.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
  return { orgId: organization.id, customer };
}

const eventRows = (stripeEventId: string) => db.billingEvent.findMany({ where: { stripeEventId } });

describe("POST /api/billing/webhooks/stripe", () => {
  it("the same signed event delivered 5× concurrently makes one row and one effect", async () => {
    const { orgId, customer } = await customerWithCard();
    await sdk.subscriptions.create({ customer, items: [{ price: prices.STRIPE_PRICE_PRO_MONTHLY! }] });
    const event = (await eventsFor(customer)).find((e) => e.type === "customer.subscription.created")!;
    const results = await Promise.all(Array.from({ length: 5 }, () => deliver(event)));
    // One delivery processes it; the rest see it done (200) or in flight (409, so Stripe retries).
    expect(results.filter((r) => r.body.status === "processed")).toHaveLength(1);
    expect(results.every((r) => r.status === 200 || (r.status === 409 && r.body.reason === "event_in_progress"))).toBe(true);
    const rows = await eventRows(event.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "PROCESSED", attempts: 1, organizationId: orgId, type: "customer.subscription.created" });
    expect(await db.subscription.count({ where: { organizationId: orgId } })).toBe(1);

    const again = await deliver(event);
    expect(again).toMatchObject({ status: 200, body: { status: "duplicate", previous: "processed" } });
    expect((await eventRows(event.id))[0]!.attempts).toBe(1);
  });

  it("a subscription's events in reverse order leave the row equal to Stripe's object", async () => {
    const { orgId, customer } = await customerWithCard();
    const sub = await sdk.subscriptions.create({ customer, items: [{ price: prices.STRIPE_PRICE_PRO_MONTHLY! }] });
    await sdk.subscriptions.update(sub.id, { cancel_at_period_end: true });
    await sdk.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0]!.id, price: prices.STRIPE_PRICE_BUSINESS_MONTHLY! }] });
    await sdk.subscriptions.cancel(sub.id);
    const events = (await eventsFor(customer)).filter((e) => e.type.startsWith("customer.subscription."));
    expect(events.map((e) => e.type)).toEqual([
      "customer.subscription.created",
      "customer.subscription.updated",
      "customer.subscription.updated",
      "customer.subscription.updated",
      "customer.subscription.deleted",
    ]);
    for (const event of [...events].reverse()) expect((await deliver(event)).status).toBe(200);

    const truth = await sdk.subscriptions.retrieve(sub.id);
    const row = await db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: sub.id } });
    expect(row).toMatchObject({
      organizationId: orgId,
      status: truth.status,
      plan: "business",
      stripePriceId: truth.items.data[0]!.price.id,
      cancelAtPeriodEnd: truth.cancel_at_period_end,
      endedAt: new Date(truth.ended_at! * 1000),
      currentPeriodEnd: new Date(truth.items.data[0]!.current_period_end * 1000),
    });
    expect(row.status).toBe("canceled"); // the stale "updated" events delivered last did not revive it
  });

  it("a bad signature is a 400 and writes nothing", async () => {
    const { customer } = await customerWithCard();
    const event = (await eventsFor(customer))[0]!;
    const forged = await deliver(event, { secret: "whsec_someone_else" });
    expect(forged).toMatchObject({ status: 400, body: { code: "BAD_REQUEST", reason: "invalid_signature" } });
    const tampered = await deliver({ ...event, type: "invoice.paid" }, { signature: (await signatureOf(event)) });
    expect(tampered.status).toBe(400);
    const missing = await deliver(event, { signature: "" });
    expect(missing.status).toBe(400);
    expect(await eventRows(event.id)).toHaveLength(0);
  });

  it("an unknown event type is a 200, stored as ignored", async () => {
    const event = fakeEvent("evt_unknown_type_" + Date.now(), "issuing_card.created", { id: "ic_1", object: "issuing.card" });
    expect(await deliver(event)).toMatchObject({ status: 200, body: { status: "ignored", reason: "unhandled_type" } });
    expect((await eventRows(event.id))[0]).toMatchObject({ status: "IGNORED", type: "issuing_card.created" });
  });

  it("an event for a customer the app does not know (stripe trigger) is a 200, stored", async () => {
    const stranger = await sdk.customers.create({ email: "trigger@example.test" });
    const event = (await eventsFor(stranger.id)).find((e) => e.type === "customer.created")!;
    expect(await deliver(event)).toMatchObject({ status: 200, body: { status: "ignored", reason: "unknown_customer" } });
    expect((await eventRows(event.id))[0]).toMatchObject({ status: "IGNORED", stripeCustomerId: stranger.id, organizationId: null });
  });

  it("our own failure is a 500 so Stripe retries; the row keeps the error and the attempt count", async () => {
    const { orgId, customer } = await customerWithCard();
    const event = (await eventsFor(customer)).find((e) => e.type === "payment_method.attached")!;
    // Stripe fails the sync's invoice listing twice, then recovers.
    await injectStripeFault({ method: "GET", path: `/v1/invoices?customer=${customer}`, count: 2 });
    expect(await deliver(event)).toMatchObject({ status: 500, body: { code: "INTERNAL", reason: "processing_failed" } });
    expect(await deliver(event)).toMatchObject({ status: 500 });
    const [failed] = await eventRows(event.id);
    expect(failed).toMatchObject({ status: "FAILED", attempts: 2 });
    expect(failed!.lastError).toContain("injected stand-in fault");

    expect(await deliver(event)).toMatchObject({ status: 200, body: { status: "processed" } });
    expect((await eventRows(event.id))[0]).toMatchObject({ status: "PROCESSED", attempts: 3, organizationId: orgId, lastError: null });
    expect(await db.paymentMethod.count({ where: { organizationId: orgId } })).toBe(1);
  });

  it("an event naming a customer Stripe does not have is a 200, stored as ignored", async () => {
    const event = fakeEvent(`evt_gone_${Date.now()}`, "customer.updated", { id: `cus_gone_${Date.now()}`, object: "customer" });
    expect(await deliver(event)).toMatchObject({ status: 200, body: { status: "ignored", reason: "unknown_customer" } });
  });
});

function fakeEvent(id: string, type: string, object: Record<string, unknown>): Stripe.Event {
  return {
    id,
    object: "event",
    api_version: "2025-10-29.clover",
    created: Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  } as unknown as Stripe.Event;
}

async function signatureOf(event: object) {
  const { inject } = await import("vitest");
  return sdk.webhooks.generateTestHeaderString({ payload: JSON.stringify(event), secret: inject("stripe").webhookSecret });
}
