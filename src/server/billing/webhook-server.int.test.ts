/**
 * The webhook route on a real `next start` of the production build (built first if missing;
 * scripts/bench/next-app.ts), against this run's database and a Stripe stand-in of this file's
 * own: what survives kill -9 and what a slow Stripe does to deliveries.
 */
import type Stripe from "stripe";
import { afterAll, describe, expect, it, vi } from "vitest";

const own = await vi.hoisted(async () => (await import("~/test/private-stripe")).startPrivateStripe({ debounceMs: 50 }));

const { startNextApp } = await import("../../../scripts/bench/next-app");
const { drainBillingEvents } = await import("~/server/jobs/billing-events");
const { db } = await import("~/server/clients/db");
const { signatureFor } = await import("~/test/stripe");
const { allEvents, expectRowsEqualStripe, subscribedCustomer } = await import("~/test/billing-events");

const { sdk, standIn } = own;
const PORT = 3310;
const price = own.prices.STRIPE_PRICE_PRO_MONTHLY!;
const servers: { kill(): Promise<void> }[] = [];
afterAll(async () => {
  standIn.control.latencyMs = 0;
  await Promise.all(servers.map((s) => s.kill()));
});

async function start(debounceMs: number) {
  const app = await startNextApp({ port: PORT, env: { BILLING_EVENT_DEBOUNCE_MS: String(debounceMs), BILLING_EVENT_MAX_WAIT_MS: String(Math.max(30_000, debounceMs * 2)) } });
  servers.push(app);
  return app;
}

async function post(url: string, event: Stripe.Event) {
  const body = JSON.stringify(event);
  const started = performance.now();
  const res = await fetch(`${url}/api/billing/webhooks/stripe`, { method: "POST", headers: { "stripe-signature": signatureFor(body), "content-type": "application/json" }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, ms: performance.now() - started };
}

const customerOf = (e: Stripe.Event) => {
  const o = e.data.object as { id?: string; object?: string; customer?: string | null };
  return o.customer ?? (o.object === "customer" ? o.id : undefined);
};

describe("next start", () => {
  it("ACCEPTANCE kill: 100 acked events survive kill -9 before any processing; after a restart the drain processes all of them", { timeout: 600_000 }, async () => {
    const orgs = [];
    for (let i = 0; i < 12; i++) orgs.push(await subscribedCustomer(sdk, price, `Kill ${i}`));
    const customers = new Set(orgs.map((o) => o.customer));
    const events = (await allEvents(sdk)).filter((e) => customers.has(customerOf(e)!)).slice(0, 100);
    expect(events).toHaveLength(100);

    // The longest debounce env.ts allows (30 s), far longer than the deliveries take: nothing is processed before the kill.
    const first = await start(30_000);
    const acks = [];
    for (let i = 0; i < events.length; i += 10) acks.push(...(await Promise.all(events.slice(i, i + 10).map((e) => post(first.url, e)))));
    await first.kill();
    await expect(fetch(`${first.url}/api/health/live`)).rejects.toThrow(); // it is gone
    expect(acks.map((a) => [a.status, a.body.status])).toEqual(Array(100).fill([200, "queued"]));
    const ids = events.map((e) => e.id);
    expect(await db.billingEvent.count({ where: { stripeEventId: { in: ids }, status: "RECEIVED", attempts: 0 } })).toBe(100);

    await start(50);
    const drained = await drainBillingEvents({ budgetMs: 120_000, only: [...customers] });
    expect(drained).toMatchObject({ processed: 100, failed: 0, more: false });
    expect(await db.billingEvent.count({ where: { stripeEventId: { in: ids }, status: "PROCESSED", attempts: 1 } })).toBe(100);
    for (const o of orgs.filter((o) => events.some((e) => customerOf(e) === o.customer))) await expectRowsEqualStripe(sdk, o.orgId, o.customer);
  });

  it("ACCEPTANCE slow Stripe (every call 20 s): deliveries are still answered within a second, and /health answers 200", { timeout: 120_000 }, async () => {
    const { customer } = await subscribedCustomer(sdk, price);
    const events = (await allEvents(sdk)).filter((e) => customerOf(e) === customer);
    const app = servers.length ? { url: `http://127.0.0.1:${PORT}` } : await start(50);
    standIn.control.latencyMs = 20_000;
    try {
      // The first delivery's processing is now stuck on Stripe; the rest still only store.
      const answers = [];
      for (const e of events) answers.push(await post(app.url, e));
      const t = performance.now();
      const health = await fetch(`${app.url}/health`);
      const healthMs = performance.now() - t;
      expect(answers.every((a) => a.status === 200 && a.body.status === "queued")).toBe(true);
      // Generous bounds: the request path makes no Stripe call at all, so it is far from 20 s.
      expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(1000);
      expect(health.status).toBe(200);
      expect(healthMs).toBeLessThan(1000);
    } finally {
      standIn.control.latencyMs = 0;
    }
  });
});
