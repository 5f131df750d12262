import { randomUUID } from "node:crypto";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { ensureStripeCustomer } from "~/server/billing/stripe-customer";
import { db } from "~/server/clients/db";
import { drainBillingEvents } from "~/server/jobs/billing-events";
import { makeUser } from "~/test/factories";
import { meteredBody } from "~/test/streams";
import { deliver, eventsFor, injectStripeFault, postToWebhook, prices, sdk, signatureFor } from "~/test/stripe";

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
  it("the same signed event delivered 5× concurrently is stored once, queued once, and processed once", async () => {
    const { orgId, customer } = await customerWithCard();
    await sdk.subscriptions.create({ customer, items: [{ price: prices.STRIPE_PRICE_PRO_MONTHLY! }] });
    const event = (await eventsFor(customer)).find((e) => e.type === "customer.subscription.created")!;
    const results = await Promise.all(Array.from({ length: 5 }, () => deliver(event)));
    // Every delivery is answered 200 at once: the one that stored it "queued", the rest "duplicate".
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results.map((r) => r.body.status).sort()).toEqual(["duplicate", "duplicate", "duplicate", "duplicate", "queued"]);
    const rows = await eventRows(event.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "PROCESSED", attempts: 1, organizationId: orgId, type: "customer.subscription.created" });
    expect(await db.subscription.count({ where: { organizationId: orgId } })).toBe(1);

    const again = await deliver(event);
    expect(again).toMatchObject({ status: 200, body: { received: true, status: "duplicate" } });
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
    const tampered = await deliver({ ...event, type: "invoice.paid" }, { signature: signatureFor(JSON.stringify(event)) });
    expect(tampered.status).toBe(400);
    const missing = await deliver(event, { signature: "" });
    expect(missing.status).toBe(400);
    expect(await eventRows(event.id)).toHaveLength(0);
  });

  it("an unknown event type is a 200, stored as ignored", async () => {
    const event = fakeEvent("evt_unknown_type_" + Date.now(), "issuing_card.created", { id: "ic_1", object: "issuing.card" });
    expect(await deliver(event)).toMatchObject({ status: 200, body: { status: "ignored", reason: "unhandled_type" } });
    expect((await eventRows(event.id))[0]).toMatchObject({ status: "IGNORED", type: "issuing_card.created", attempts: 0 });
    expect((await eventRows(event.id))[0]!.lastError).toMatch(/not handled/);
  });

  it("an event that names no customer is a 200, stored as ignored", async () => {
    const event = fakeEvent(`evt_no_customer_${Date.now()}`, "checkout.session.completed", { id: "cs_1", object: "checkout.session", customer: null });
    expect(await deliver(event)).toMatchObject({ status: 200, body: { status: "ignored", reason: "no_customer" } });
    expect((await eventRows(event.id))[0]).toMatchObject({ status: "IGNORED", stripeCustomerId: null, lastError: "the event names no customer" });
  });

  it("an event for a customer the app does not know (stripe trigger) is a 200, stored", async () => {
    const stranger = await sdk.customers.create({ email: "trigger@example.test" });
    const event = (await eventsFor(stranger.id)).find((e) => e.type === "customer.created")!;
    expect(await deliver(event)).toMatchObject({ status: 200, body: { status: "queued" } });
    expect((await eventRows(event.id))[0]).toMatchObject({ status: "IGNORED", stripeCustomerId: stranger.id, organizationId: null });
  });

  it("a failed sync after the answer leaves the row FAILED with the error and its next attempt; the drain finishes it", async () => {
    const { orgId, customer } = await customerWithCard();
    const event = (await eventsFor(customer)).find((e) => e.type === "payment_method.attached")!;
    await injectStripeFault({ method: "GET", path: `/v1/invoices?customer=${customer}`, count: 1 });
    // The delivery was stored: it is answered 200 whatever processing makes of it later.
    expect(await deliver(event)).toMatchObject({ status: 200, body: { status: "queued" } });
    const [failed] = await eventRows(event.id);
    expect(failed).toMatchObject({ status: "FAILED", attempts: 1 });
    expect(failed!.lastError).toContain("injected stand-in fault");
    expect(failed!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
    // Stripe's redelivery is a duplicate; it does not jump the backoff.
    expect(await deliver(event)).toMatchObject({ status: 200, body: { status: "duplicate" } });
    expect((await eventRows(event.id))[0]).toMatchObject({ status: "FAILED", attempts: 1 });

    await db.billingEvent.update({ where: { stripeEventId: event.id }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
    await drainBillingEvents({ budgetMs: 10_000, only: [customer] });
    expect((await eventRows(event.id))[0]).toMatchObject({ status: "PROCESSED", attempts: 2, organizationId: orgId, lastError: null });
    expect(await db.paymentMethod.count({ where: { organizationId: orgId } })).toBe(1);
  });

  it("an event naming a customer Stripe does not have is a 200, then stored as ignored", async () => {
    const event = fakeEvent(`evt_gone_${Date.now()}`, "customer.updated", { id: `cus_gone_${Date.now()}`, object: "customer" });
    expect(await deliver(event)).toMatchObject({ status: 200, body: { status: "queued" } });
    expect((await eventRows(event.id))[0]).toMatchObject({ status: "IGNORED", organizationId: null });
  });
});

describe("every signed event can be stored; the malformed are a 400 that says why", () => {
  it("an event whose payload holds \\u0000 is stored as the very text that was signed, and processed", async () => {
    const { orgId, customer } = await customerWithCard();
    await sdk.customers.update(customer, { metadata: { note: "before\u0000after" } });
    const event = (await eventsFor(customer)).findLast((e) => e.type === "customer.updated")!;
    const body = JSON.stringify(event);
    expect(body).toContain("before\\u0000after"); // the escape jsonb refuses, as Stripe sends it

    expect(await deliver(body)).toMatchObject({ status: 200, body: { status: "queued" } });
    const [row] = await eventRows(event.id);
    expect(row).toMatchObject({ status: "PROCESSED", organizationId: orgId, stripeCustomerId: customer });
    expect(row!.payload).toBe(body);
    expect(await deliver(body)).toMatchObject({ status: 200, body: { status: "duplicate" } });
  });

  const event = (fields: Record<string, unknown>) => ({
    ...fakeEvent(`evt_malformed_${randomUUID().slice(0, 8)}`, "customer.updated", { id: "cus_x", object: "customer" }),
    ...fields,
  });
  it.each([
    ["an empty object", () => "{}", /\bid is missing\b.*\btype is missing\b.*\bcreated is missing\b.*\blivemode is missing\b.*\bdata is missing\b/],
    ["no id", () => JSON.stringify(event({ id: undefined })), /^The signed event is malformed: id is missing\.$/],
    ["an id that is not evt_…", () => JSON.stringify(event({ id: "evt_\u0000" })), /id must be a Stripe event id/],
    ["no data", () => JSON.stringify(event({ data: undefined })), /data is missing/],
    ["data.object that is not an object", () => JSON.stringify(event({ data: { object: "cus_x" } })), /data\.object must be an object/],
    ["a type holding \\u0000", () => JSON.stringify(event({ type: "customer.updated\u0000" })), /type must be an event type/],
    ["created as text", () => JSON.stringify(event({ created: "yesterday" })), /created must be/],
    ["created past the year 9999", () => JSON.stringify(event({ created: 1e15 })), /created must be/],
    ["livemode missing", () => JSON.stringify(event({ livemode: undefined })), /livemode is missing/],
    ["a customer that is not a Stripe customer id", () => JSON.stringify(event({ data: { object: { object: "invoice", id: "in_1", customer: "cus_\u0000" } } })), /data\.object\.customer must be a Stripe customer id/],
    ["a JSON array", () => "[]", /must be a JSON object/],
    ["a body that is not JSON", () => "event=customer.updated", /not JSON/],
  ])("a signed event with %s is a 400 naming the fault, and nothing is stored", async (_, makeBody, message) => {
    const body = makeBody();
    const res = await deliver(body);
    expect(res).toMatchObject({ status: 400, body: { error: "Invalid request", code: "BAD_REQUEST", reason: "malformed_event" } });
    expect(res.body.message).toMatch(message);
    expect(await db.billingEvent.count({ where: { payload: body } })).toBe(0);
  });
});

describe("the webhook's body cap (1 MiB)", () => {
  const LIMIT = 1024 * 1024;
  const tooLarge = { status: 413, body: { error: "Payload too large", code: "PAYLOAD_TOO_LARGE", reason: "body_too_large", limitBytes: LIMIT } };

  it.each([
    ["no Content-Length", {}],
    ["a Content-Length that lies", { "content-length": "100" }],
  ])("a 64 MiB body with %s is a 413, read no further than the cap", async (_, headers) => {
    const body = meteredBody(64 * LIMIT);
    expect(await postToWebhook(body.stream, { ...headers, "stripe-signature": "t=1,v1=00" })).toMatchObject(tooLarge);
    expect(body.pulledBytes()).toBeGreaterThan(LIMIT);
    expect(body.pulledBytes()).toBeLessThanOrEqual(LIMIT + 64 * 1024);
    expect(body.cancelled()).toBe(true);
  });

  it("a declared Content-Length over the cap is a 413 before a byte is read", async () => {
    const body = meteredBody(64 * LIMIT);
    const headers = { "content-length": String(64 * LIMIT), "stripe-signature": "t=1,v1=00" };
    expect(await postToWebhook(body.stream, headers)).toMatchObject(tooLarge);
    expect(body.pulledBytes()).toBe(0);
  });

  it("a signed event of exactly the cap is stored; one byte more is a 413 and stores nothing", async () => {
    const base = fakeEvent(`evt_at_cap_${randomUUID().slice(0, 8)}`, "issuing_card.created", { id: "ic_1", object: "issuing.card", metadata: { pad: "" } });
    // "é" is two bytes in UTF-8: the cap counts bytes, not characters.
    const pad = (bytes: number) => "é".repeat(Math.floor(bytes / 2)) + "x".repeat(bytes % 2);
    const padded = (bytes: number) => JSON.stringify({ ...base, data: { object: { ...base.data.object, metadata: { pad: pad(bytes) } } } });
    const atCap = padded(LIMIT - Buffer.byteLength(JSON.stringify(base)));
    expect(Buffer.byteLength(atCap)).toBe(LIMIT);
    const overCap = atCap.replace('"pad":"', '"pad":"x');
    expect(await deliver(overCap)).toMatchObject(tooLarge);
    expect(await eventRows(base.id)).toHaveLength(0);
    expect(await deliver(atCap)).toMatchObject({ status: 200, body: { status: "ignored", reason: "unhandled_type" } });
    expect((await eventRows(base.id))[0]!.payload).toBe(atCap);
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
