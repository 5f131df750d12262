/**
 * The webhook queue against real PostgreSQL and a Stripe stand-in of this file's own (so its
 * request log counts only this file's calls). Syncs are counted as the sync's one customer read
 * (GET /v1/customers/:id) in that log.
 */
import type Stripe from "stripe";
import type { SyncResult } from "~/server/billing/sync-stripe-customer";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { customerUpdatedEvent } from "../../../e2e/stand-ins/stripe/synthetic-events";

// A debounce long enough that a burst of deliveries lands within one window.
const own = await vi.hoisted(async () => (await import("~/test/private-stripe")).startPrivateStripe({ debounceMs: 3000 }));

const { AFTER_RESPONSE_QUEUE_PER_SLOT, BACKOFF_MAX_SECONDS, GIVE_UP_AFTER_SECONDS, LEASE_EXPIRED_ERROR, processAfterDebounce, processCustomer, processCustomerOnce } = await import("~/server/billing/billing-event-queue");
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

/** A customer.updated event about `customer` that Stripe did not send (the sync never reads it). */
const customerEvent = (customer: string) => customerUpdatedEvent(customer, "evt_queue");

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

/** A sync that waits until the test lets it finish (with a result, or a rejection). */
function heldSync() {
  type Finish = () => Promise<SyncResult>;
  let started!: () => void;
  let finish!: (outcome: Finish) => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const sync = () => {
    started();
    return new Promise<Finish>((resolve) => (finish = resolve)).then((outcome) => outcome());
  };
  return { sync, running, finish: (outcome: Finish) => finish(outcome) };
}
const expireLeases = (customer: string) =>
  db.billingEvent.updateMany({ where: { stripeCustomerId: customer, status: "PROCESSING" }, data: { lockedUntil: new Date(Date.now() - 1000) } });
const makeDue = (customer: string) =>
  db.billingEvent.updateMany({ where: { stripeCustomerId: customer, status: "FAILED" }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });

describe("the drain", () => {
  it("fails a claim whose worker died (its lease ran out) with backoff, then retries it; leaves a live claim alone", async () => {
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

    await expireLeases(customer);
    const before = Date.now();
    await drainBillingEvents({ budgetMs: 10_000, only: [customer] });
    const failed = await rowsOf(customer);
    expect(failed.map((r) => [r.status, r.attempts, r.lastError, r.lockedUntil])).toEqual(Array(3).fill(["FAILED", 1, LEASE_EXPIRED_ERROR, null]));
    expect(failed[0]!.nextAttemptAt!.getTime() - before).toBeGreaterThan(25_000); // backed off, not retried at once
    expect(syncs()).toBe(0);

    await makeDue(customer);
    const drained = await drainBillingEvents({ budgetMs: 10_000, only: [customer] });
    expect(drained.processed).toBe(3);
    const rows = await rowsOf(customer);
    expect(rows.map((r) => [r.status, r.attempts, r.organizationId, r.lastError])).toEqual(Array(3).fill(["PROCESSED", 2, orgId, null]));
    await expectRowsEqualStripe(sdk, orgId, customer);
  });

  it("a worker whose lease ran out and was taken over changes nothing when it finishes", async () => {
    const { orgId, customer } = await subscribedCustomer(sdk, price);
    await Promise.all(Array.from({ length: 2 }, () => deliver(customerEvent(customer), { runAfter: false })));
    const stale = heldSync();
    const staleRun = processCustomerOnce(customer, { due: now, sync: stale.sync });
    await stale.running;
    await expireLeases(customer);
    // The takeover: the expired claim fails, its backoff comes, a new worker claims and is syncing.
    expect(await processCustomerOnce(customer, { due: now })).toMatchObject({ status: "idle" });
    await makeDue(customer);
    const owner = heldSync();
    const ownerRun = processCustomerOnce(customer, { due: now, sync: owner.sync });
    await owner.running;
    const claimed = await rowsOf(customer);
    expect(claimed.map((r) => [r.status, r.attempts])).toEqual(Array(2).fill(["PROCESSING", 2]));

    // The stale worker's sync fails now: the new owner's claim and lease stay.
    stale.finish(() => Promise.reject(new Error("stale failure")));
    expect(await staleRun).toMatchObject({ status: "superseded", events: 2 });
    expect((await rowsOf(customer)).map((r) => [r.status, r.claimId, r.lockedUntil?.getTime()])).toEqual(
      claimed.map((r) => ["PROCESSING", r.claimId, r.lockedUntil?.getTime()]),
    );
    owner.finish(() => syncStripeCustomer(customer));
    expect(await ownerRun).toMatchObject({ status: "processed", events: 2 });
    expect((await rowsOf(customer)).map((r) => [r.status, r.organizationId, r.claimId])).toEqual(Array(2).fill(["PROCESSED", orgId, null]));

    // And a stale success after a takeover does not overwrite either.
    await deliver(customerEvent(customer), { runAfter: false });
    const late = heldSync();
    const lateRun = processCustomerOnce(customer, { due: now, sync: late.sync });
    await late.running;
    await expireLeases(customer);
    await processCustomerOnce(customer, { due: now }); // fails the expired claim
    late.finish(() => Promise.resolve({ status: "synced" as const, organizationId: orgId }));
    expect(await lateRun).toMatchObject({ status: "superseded" });
    expect((await rowsOf(customer)).at(-1)).toMatchObject({ status: "FAILED", lastError: LEASE_EXPIRED_ERROR });
  });

  it("a failed sync leaves the events FAILED with one backoff for the customer; a later drain succeeds", async () => {
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

    // Rows of different attempts fail together: one nextAttemptAt for the customer, from the most-tried.
    await db.billingEvent.updateMany({ where: { stripeCustomerId: customer }, data: { attempts: 4, nextAttemptAt: new Date(Date.now() - 1000) } });
    await deliver(customerEvent(customer), { runAfter: false });
    standIn.control.addFault({ method: "GET", path: `/v1/invoices?customer=${customer}`, count: 1 });
    const second = Date.now();
    await processCustomer(customer, { due: now });
    const both = await rowsOf(customer);
    expect(both.map((r) => [r.status, r.attempts])).toEqual([["FAILED", 5], ["FAILED", 1]]);
    expect(both[1]!.nextAttemptAt).toEqual(both[0]!.nextAttemptAt);
    expect(both[0]!.nextAttemptAt!.getTime() - second).toBeGreaterThan(30 * 16 * 1000 - 5000); // 30 s · 2^4

    await makeDue(customer);
    await drainBillingEvents({ budgetMs: 10_000, only: [customer] });
    expect((await rowsOf(customer)).map((r) => [r.status, r.lastError, r.nextAttemptAt, r.organizationId])).toEqual(Array(2).fill(["PROCESSED", null, null, orgId]));
  });

  it("backoff is capped at an hour and retries go on for days; past the horizon an event is given up, and a later good sync still covers it", async () => {
    const { orgId, customer } = await subscribedCustomer(sdk, price);
    await deliver(customerEvent(customer), { runAfter: false });
    await db.billingEvent.updateMany({ where: { stripeCustomerId: customer }, data: { attempts: 30, receivedAt: new Date(Date.now() - 2 * 24 * 3600_000) } });
    standIn.control.addFault({ method: "GET", path: `/v1/invoices?customer=${customer}`, count: 1 });
    const before = Date.now();
    await processCustomer(customer, { due: now });
    const [capped] = await rowsOf(customer);
    expect(capped).toMatchObject({ status: "FAILED", attempts: 31 });
    expect(capped!.nextAttemptAt!.getTime() - before).toBeGreaterThan(BACKOFF_MAX_SECONDS * 1000 - 5000);
    expect(capped!.nextAttemptAt!.getTime() - before).toBeLessThan(BACKOFF_MAX_SECONDS * 1000 + 5000);

    // Past the horizon: given up (FAILED, no next attempt), visible as such.
    await db.billingEvent.updateMany({ where: { stripeCustomerId: customer }, data: { nextAttemptAt: new Date(Date.now() - 1000), receivedAt: new Date(Date.now() - GIVE_UP_AFTER_SECONDS * 1000 - 60_000) } });
    standIn.control.addFault({ method: "GET", path: `/v1/invoices?customer=${customer}`, count: 1 });
    await processCustomer(customer, { due: now });
    const [givenUp] = await rowsOf(customer);
    expect(givenUp).toMatchObject({ status: "FAILED", attempts: 32, nextAttemptAt: null });
    // The operators are told once per customer and UTC day, in the transaction that gave it up,
    // with the org's name, the events and the error.
    const day = new Date().toISOString().slice(0, 10);
    const alerts = await db.notification.findMany({ where: { dedupeKey: `billing-customer:${customer}:given_up:${day}` }, orderBy: { recipient: "asc" } });
    expect(alerts.map((a) => [a.kind, a.recipient])).toEqual([
      ["operator-alert", "finance@vantflow.test"],
      ["operator-alert", "ops@vantflow.test"],
    ]);
    const org = await db.organization.findUniqueOrThrow({ where: { id: orgId } });
    expect(alerts[0]!.subject).toBe(`[VantFlow ops] Stripe webhook events were given up for ${org.name} (1)`);
    expect(alerts[0]!.text).toContain(customer);
    expect(alerts[0]!.text).toContain(`${givenUp!.stripeEventId} (customer.updated)`);
    expect(alerts[0]!.text).toContain("Last error: An injected stand-in fault");
    await drainBillingEvents({ budgetMs: 10_000, only: [customer] });
    expect(syncs()).toBe(2); // a given-up event alone is never due

    // A new event's sync covers the given-up one too.
    await deliver(customerEvent(customer));
    expect((await rowsOf(customer)).map((r) => [r.status, r.organizationId])).toEqual(Array(2).fill(["PROCESSED", orgId]));
  });

  it("a sync that runs anyway takes the customer's failed events whose backoff has not come (one sync, not two)", async () => {
    const { orgId, customer } = await subscribedCustomer(sdk, price);
    standIn.control.addFault({ method: "GET", path: `/v1/invoices?customer=${customer}`, count: 1 });
    await deliver(customerEvent(customer));
    expect((await rowsOf(customer))[0]).toMatchObject({ status: "FAILED" });
    standIn.control.resetRequests();
    await deliver(customerEvent(customer));
    expect(syncs()).toBe(1);
    expect((await rowsOf(customer)).map((r) => [r.status, r.organizationId])).toEqual(Array(2).fill(["PROCESSED", orgId]));
  });

  it("one customer's database error does not stop the drain call: counted as errored, the others processed", async () => {
    const customers = [0, 1, 2].map((i) => `cus_dberr_${Date.now()}_${i}`);
    for (const c of customers) await deliver(customerEvent(c), { runAfter: false });
    await new Promise((resolve) => setTimeout(resolve, 3100)); // past this file's debounce
    // The middle customer's result names an org that does not exist: marking it violates the foreign key.
    const sync = (c: string) =>
      Promise.resolve(c === customers[1] ? { status: "synced" as const, organizationId: "no-such-org" } : { status: "unknown_customer" as const });
    const drained = await drainBillingEvents({ budgetMs: 10_000, only: customers, sync, concurrency: 1 });
    expect(drained).toMatchObject({ errored: 1, ignored: 2, more: false });
    expect((await Promise.all(customers.map(rowsOf))).map((rows) => rows[0]!.status)).toEqual(["IGNORED", "PROCESSING", "IGNORED"]);
  });

  it("says more remain when the budget ran out before some due customers were started", async () => {
    const customers = [0, 1, 2].map((i) => `cus_budget_${Date.now()}_${i}`);
    for (const c of customers) await deliver(customerEvent(c), { runAfter: false });
    await new Promise((resolve) => setTimeout(resolve, 3100));
    const slow = () => new Promise<{ status: "unknown_customer" }>((resolve) => setTimeout(() => resolve({ status: "unknown_customer" }), 300));
    const first = await drainBillingEvents({ budgetMs: 100, only: customers, sync: slow, concurrency: 1 });
    expect(first).toMatchObject({ customers: 1, more: true });
    const rest = await drainBillingEvents({ budgetMs: 10_000, only: customers, sync: slow, concurrency: 1 });
    expect(rest).toMatchObject({ customers: 2, more: false });
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
