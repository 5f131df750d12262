/**
 * The webhook queue against real PostgreSQL and a Stripe stand-in of this file's own (so its
 * request log counts only this file's calls). Syncs are counted as the sync's one customer read
 * (GET /v1/customers/:id) in that log.
 */
import type Stripe from "stripe";
import { beforeEach, describe, expect, it, vi } from "vitest";

// A debounce long enough that a burst of deliveries lands within one window.
const own = await vi.hoisted(async () => (await import("~/test/private-stripe")).startPrivateStripe({ debounceMs: 3000 }));

const { AFTER_RESPONSE_QUEUE_PER_SLOT, MAX_ATTEMPTS, processAfterDebounce, processCustomer, processCustomerOnce } = await import("~/server/billing/billing-event-queue");
const { env } = await import("~/env");
const { syncStripeCustomer } = await import("~/server/billing/sync-stripe-customer");
const { drainBillingEvents } = await import("~/server/jobs/billing-events");
const { db } = await import("~/server/clients/db");
const { deliver, settleCustomer } = await import("~/test/stripe");
const { allEvents, expectRowsEqualStripe, subscribedCustomer } = await import("~/test/billing-events");

const { sdk, standIn } = own;
const price = own.prices.STRIPE_PRICE_PRO_MONTHLY!;
const syncs = () => standIn.control.counts().byRoute["GET /v1/customers/:id"] ?? 0;
const calls = () => standIn.control.counts().total;
const rowsOf = (customer: string) => db.billingEvent.findMany({ where: { stripeCustomerId: customer }, orderBy: { receivedAt: "asc" } });
const now = { debounceMs: 0, maxWaitMs: 0 };

/** A signed customer.updated event about `customer` that Stripe did not send (the sync never reads it). */
let seq = 0;
const customerEvent = (customer: string): Stripe.Event =>
  ({
    id: `evt_queue_${Date.now()}_${seq++}`,
    object: "event",
    api_version: "2025-10-29.clover",
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: customer, object: "customer" } },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: "customer.updated",
  }) as unknown as Stripe.Event;

beforeEach(() => {
  standIn.control.latencyMs = 0;
  standIn.control.faults.length = 0;
  standIn.control.resetRequests();
});

describe("webhook intake and per-customer coalescing", () => {
  it("the same event delivered 20× concurrently makes one row and one sync", async () => {
    const { orgId, customer } = await subscribedCustomer(sdk, price);
    const event = (await allEvents(sdk)).find((e) => e.type === "customer.subscription.created" && (e.data.object as Stripe.Subscription).customer === customer)!;
    standIn.control.resetRequests();
    const results = await Promise.all(Array.from({ length: 20 }, () => deliver(event)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(results.filter((r) => r.body.status === "queued")).toHaveLength(1);
    expect(results.filter((r) => r.body.status === "duplicate")).toHaveLength(19);
    expect(syncs()).toBe(1);
    const rows = await db.billingEvent.findMany({ where: { stripeEventId: event.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "PROCESSED", attempts: 1, organizationId: orgId, lastError: null, nextAttemptAt: null });
    expect(await db.subscription.count({ where: { organizationId: orgId } })).toBe(1);
  });

  it("the request path makes no Stripe call: deliveries only store", async () => {
    const { customer } = await subscribedCustomer(sdk, price);
    standIn.control.resetRequests();
    const results = await Promise.all(Array.from({ length: 10 }, () => deliver(customerEvent(customer), { runAfter: false })));
    expect(results.every((r) => r.status === 200 && r.body.status === "queued")).toBe(true);
    expect(calls()).toBe(0);
    expect((await rowsOf(customer)).map((r) => [r.status, r.attempts])).toEqual(Array(10).fill(["RECEIVED", 0]));
    await processCustomer(customer, { due: now });
    expect(syncs()).toBe(1);
  });

  it("20 events of one customer delivered at once make one sync covering them all", async () => {
    const { orgId, customer } = await subscribedCustomer(sdk, price);
    standIn.control.resetRequests();
    const results = await Promise.all(Array.from({ length: 20 }, () => deliver(customerEvent(customer))));
    expect(results.every((r) => r.status === 200 && r.body.status === "queued")).toBe(true);
    expect(syncs()).toBe(1);
    const rows = await rowsOf(customer);
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.status === "PROCESSED" && r.attempts === 1 && r.organizationId === orgId)).toBe(true);
    await expectRowsEqualStripe(sdk, orgId, customer);
  });

  it("50 concurrent process calls for one customer, with events arriving meanwhile, never run two syncs at once", async () => {
    const { orgId, customer } = await subscribedCustomer(sdk, price);
    for (let i = 0; i < 5; i++) await deliver(customerEvent(customer), { runAfter: false });
    let inFlight = 0;
    let most = 0;
    let count = 0;
    const tracked = async (id: string) => {
      most = Math.max(most, ++inFlight);
      count++;
      try {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return await syncStripeCustomer(id);
      } finally {
        inFlight--;
      }
    };
    await Promise.all([
      ...Array.from({ length: 50 }, () => processCustomer(customer, { sync: tracked, due: now })),
      ...Array.from({ length: 10 }, () => deliver(customerEvent(customer), { runAfter: false })),
    ]);
    await processCustomer(customer, { sync: tracked, due: now }); // whatever arrived after the last round
    expect(most).toBe(1);
    expect(count).toBeGreaterThanOrEqual(1);
    expect(count).toBeLessThanOrEqual(11); // one per round, never one per call
    const rows = await rowsOf(customer);
    expect(rows).toHaveLength(15);
    expect(rows.every((r) => r.status === "PROCESSED" && r.organizationId === orgId)).toBe(true);
  });

  it("an event for a customer the app does not know is queued, then stored as ignored", async () => {
    const stranger = await sdk.customers.create({ email: "stranger@example.test" });
    const result = await deliver(customerEvent(stranger.id));
    expect(result).toMatchObject({ status: 200, body: { received: true, status: "queued" } });
    expect((await rowsOf(stranger.id))[0]).toMatchObject({ status: "IGNORED", organizationId: null, attempts: 1 });
  });
});

describe("processing after responses, process-wide", () => {
  it("a burst over many customers syncs at most BILLING_EVENT_CONCURRENCY at once; past the bounded wait, customers are left to the drain", { timeout: 60_000 }, async () => {
    const limit = env.BILLING_EVENT_CONCURRENCY;
    const capacity = limit + limit * AFTER_RESPONSE_QUEUE_PER_SLOT;
    const customers = Array.from({ length: capacity + 12 }, (_, i) => `cus_burst_${Date.now()}_${i}`);
    await Promise.all(customers.map((c) => deliver(customerEvent(c), { runAfter: false })));
    let inFlight = 0;
    let most = 0;
    const synced = new Set<string>();
    const tracked = async (id: string) => {
      most = Math.max(most, ++inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 30));
        synced.add(id);
        return { status: "unknown_customer" as const };
      } finally {
        inFlight--;
      }
    };
    // Every delivery's after-response task at once, as a burst of webhooks makes them.
    await Promise.all(customers.map((c) => processAfterDebounce(c, { sync: tracked })));
    expect(most).toBe(limit);
    expect(synced.size).toBe(capacity);
    const left = customers.filter((c) => !synced.has(c));
    expect(await db.billingEvent.count({ where: { stripeCustomerId: { in: left }, status: "RECEIVED" } })).toBe(12);
    // The drain takes what the after-response runs had to leave.
    await drainBillingEvents({ budgetMs: 10_000, only: left, sync: tracked });
    expect(synced.size).toBe(customers.length);
  });
});

describe("the drain", () => {
  it("takes over a claim whose worker died (its lease ran out); leaves a live claim alone", async () => {
    const { orgId, customer } = await subscribedCustomer(sdk, price);
    await Promise.all(Array.from({ length: 3 }, () => deliver(customerEvent(customer), { runAfter: false })));
    // A worker claims, then dies mid-sync: its sync never returns.
    let started!: () => void;
    const claimedAndStuck = new Promise<void>((resolve) => (started = resolve));
    void processCustomerOnce(customer, { due: now, sync: () => (started(), new Promise<never>(() => {})) });
    await claimedAndStuck;
    expect((await rowsOf(customer)).map((r) => [r.status, r.attempts])).toEqual(Array(3).fill(["PROCESSING", 1]));
    expect(await drainBillingEvents({ budgetMs: 10_000, only: [customer] })).toMatchObject({ more: false });
    expect((await rowsOf(customer)).every((r) => r.status === "PROCESSING")).toBe(true);

    await db.billingEvent.updateMany({ where: { stripeCustomerId: customer }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    const drained = await drainBillingEvents({ budgetMs: 10_000, only: [customer] });
    expect(drained.processed).toBeGreaterThanOrEqual(3);
    const rows = await rowsOf(customer);
    expect(rows.map((r) => [r.status, r.attempts, r.organizationId])).toEqual(Array(3).fill(["PROCESSED", 2, orgId]));
    await expectRowsEqualStripe(sdk, orgId, customer);
  });

  it("a failed sync leaves the events FAILED with attempts, error and backoff; a later drain succeeds; too many failures give up", async () => {
    const { orgId, customer } = await subscribedCustomer(sdk, price);
    standIn.control.addFault({ method: "GET", path: `/v1/invoices?customer=${customer}`, count: 1 });
    const before = Date.now();
    await deliver(customerEvent(customer));
    const [failed] = await rowsOf(customer);
    expect(failed).toMatchObject({ status: "FAILED", attempts: 1, lockedUntil: null });
    expect(failed!.lastError).toContain("injected stand-in fault");
    // 30 s · 2^0 after the failure (database clock, so within a few seconds of ours).
    expect(failed!.nextAttemptAt!.getTime() - before).toBeGreaterThan(25_000);
    expect(failed!.nextAttemptAt!.getTime() - before).toBeLessThan(40_000);

    await drainBillingEvents({ budgetMs: 10_000, only: [customer] }); // not due before its backoff
    expect((await rowsOf(customer))[0]).toMatchObject({ status: "FAILED", attempts: 1 });

    await db.billingEvent.updateMany({ where: { stripeCustomerId: customer }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
    await drainBillingEvents({ budgetMs: 10_000, only: [customer] });
    expect((await rowsOf(customer))[0]).toMatchObject({ status: "PROCESSED", attempts: 2, lastError: null, nextAttemptAt: null, organizationId: orgId });

    // The last allowed attempt fails: given up (FAILED, no next attempt), visible as such.
    const doomed = await subscribedCustomer(sdk, price);
    await deliver(customerEvent(doomed.customer), { runAfter: false });
    await db.billingEvent.updateMany({ where: { stripeCustomerId: doomed.customer }, data: { attempts: MAX_ATTEMPTS - 1 } });
    standIn.control.addFault({ method: "GET", path: `/v1/invoices?customer=${doomed.customer}`, count: 1 });
    await processCustomer(doomed.customer, { due: now });
    expect((await rowsOf(doomed.customer))[0]).toMatchObject({ status: "FAILED", attempts: MAX_ATTEMPTS, nextAttemptAt: null });
  });
});

describe("ACCEPTANCE chaos: 1,000 deliveries for 50 customers, duplicated and reordered", () => {
  it("ends with every org's rows equal to Stripe's, in at most 250 Stripe calls", { timeout: 240_000 }, async () => {
    const orgs = [];
    for (let i = 0; i < 50; i++) orgs.push(await subscribedCustomer(sdk, price, `Chaos ${i}`));
    // Some change after subscribing, so late and early events disagree about the state.
    for (const o of orgs.slice(0, 25)) await sdk.subscriptions.update(o.sub.id, { cancel_at_period_end: true });
    for (const o of orgs.slice(0, 10)) await sdk.subscriptions.cancel(o.sub.id);
    const customers = new Set(orgs.map((o) => o.customer));
    const mine = (await allEvents(sdk)).filter((e) => {
      const o = e.data.object as { id?: string; object?: string; customer?: string | { id: string } | null };
      const c = typeof o.customer === "object" && o.customer ? o.customer.id : (o.customer ?? (o.object === "customer" ? o.id : undefined));
      return c !== undefined && customers.has(c);
    });
    expect(mine.length).toBeGreaterThan(300);
    // Duplicates up to 1,000 deliveries, all shuffled.
    const deliveries = [...mine, ...Array.from({ length: 1000 - mine.length }, (_, i) => mine[(i * 7) % mine.length]!)];
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }
    standIn.control.resetRequests();
    const started = Date.now();
    const pending: Promise<unknown>[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < deliveries.length) {
          const res = await deliver(deliveries[next++]!, { settle: false });
          expect(res.status).toBe(200);
          pending.push(...res.tasks);
        }
      }),
    );
    const deliveredIn = Date.now() - started;
    await Promise.all(pending);
    for (const c of customers) await settleCustomer(c);
    expect(await db.billingEvent.count({ where: { stripeEventId: { in: mine.map((e) => e.id) } } })).toBe(new Set(mine.map((e) => e.id)).size);
    expect(await db.billingEvent.count({ where: { stripeCustomerId: { in: [...customers] }, status: { notIn: ["PROCESSED", "IGNORED"] } } })).toBe(0);
    const made = { syncs: syncs(), calls: calls() }; // before the check below lists from Stripe itself
    console.log(`chaos: ${deliveries.length} deliveries (${mine.length} distinct) in ${deliveredIn} ms → ${made.syncs} syncs, ${made.calls} Stripe calls`);
    for (const o of orgs) await expectRowsEqualStripe(sdk, o.orgId, o.customer);
    expect(made.calls).toBeLessThanOrEqual(250);
  });
});
