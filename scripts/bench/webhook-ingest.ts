/**
 * `npm run bench -- webhook-ingest`: Stripe webhook intake on `next start` of the production build
 * (scripts/bench/next-app.ts) against a fresh PostgreSQL database and a local Stripe stand-in.
 * 1. Throughput and latency of distinct signed events at concurrency 1, 8 and 32, next to a no-op
 *    Route Handler on the same server in the same run (GET /api/health/live): the intake's goal is
 *    ≥ 0.5× the no-op's throughput and ≥ 300 events/s at concurrency 32.
 * 2. Stripe calls per event: 1,000 events over 50 customers delivered in a burst, counted from the
 *    stand-in's request log once every event is processed (goal ≤ 0.25).
 * Writes .bench/webhook-ingest.json. BENCH_PORT (default 3315) is the app's port.
 */
import { performance } from "node:perf_hooks";
import Stripe from "stripe";
import { startStripeStandIn } from "../../e2e/stand-ins/stripe/server";
import { customerUpdatedEvent } from "../../e2e/stand-ins/stripe/synthetic-events";
import { setupCatalog } from "../../src/server/billing/setup-catalog";
import { stripeConnection } from "../../src/server/clients/stripe-connection";
import { benchDatabase, summary, writeResult } from "./lib";
import { startNextApp } from "./next-app";

const CUSTOMERS = 50;
const PER_LEVEL = Number(process.env.BENCH_EVENTS ?? 1000);
const port = Number(process.env.BENCH_PORT ?? 3315);
const database = await benchDatabase("webhook");

const secretKey = "sk_test_vantflow_bench";
const webhookSecret = "whsec_vantflow_bench";
const standIn = await startStripeStandIn({ secretKey });
const sdk = new Stripe(secretKey, { ...stripeConnection(standIn.url), maxNetworkRetries: 0 });
const prices: Record<string, string> = await setupCatalog(sdk);
const appEnv: Record<string, string> = {
  ...prices,
  DATABASE_URL: database.url,
  REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  STRIPE_SECRET_KEY: secretKey,
  STRIPE_WEBHOOK_SECRET: webhookSecret,
  STRIPE_API_BASE: standIn.url,
  AUTH_SECRET: "bench-auth-secret-bench-auth-secret-0123456789",
};
Object.assign(process.env, appEnv);
// The app's modules read the environment when first imported.
const { ensureStripeCustomer } = await import("../../src/server/billing/stripe-customer");
const { registerUser } = await import("../../src/server/auth/register-user");
const { db } = await import("../../src/server/clients/db");
console.log("[bench] starting next start…");
const app = await startNextApp({ port, env: appEnv });

/** A distinct signed event about one of the customers (the sync reads Stripe, not the payload). */
function signedEvent(customer: string) {
  const body = JSON.stringify(customerUpdatedEvent(customer, "evt_bench"));
  return { body, signature: sdk.webhooks.generateTestHeaderString({ payload: body, secret: webhookSecret }) };
}

/** `count` requests at `concurrency`, each checked; latency samples and wall time. */
async function load(count: number, concurrency: number, request: (i: number) => Promise<Response>) {
  const samples: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        const res = await request(i);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`request ${i} answered ${res.status}`);
        samples.push(performance.now() - t);
      }
    }),
  );
  return { samples, wall: performance.now() - start };
}

async function untilProcessed() {
  while ((await db.billingEvent.count({ where: { status: { in: ["RECEIVED", "PROCESSING"] } } })) > 0) await new Promise((r) => setTimeout(r, 250));
}

try {
  const customers: string[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const { organization } = await registerUser({ email: `bench-${i}-${Date.now()}@example.test`, password: "bench-password-1", name: `Bench ${i}` });
    const customer = await ensureStripeCustomer(organization.id);
    const pm = await sdk.paymentMethods.attach("pm_card_visa", { customer });
    await sdk.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
    await sdk.subscriptions.create({ customer, items: [{ price: prices.STRIPE_PRICE_PRO_MONTHLY! }] });
    customers.push(customer);
  }
  console.log(`[bench] ${CUSTOMERS} customers ready`);
  const webhook = `${app.url}/api/billing/webhooks/stripe`;
  const deliver = (e: { body: string; signature: string }) =>
    fetch(webhook, { method: "POST", headers: { "stripe-signature": e.signature, "content-type": "application/json" }, body: e.body });
  // Warm both routes (the first request of a route loads its code).
  await load(50, 4, () => fetch(`${app.url}/api/health/live`));
  await load(50, 4, (i) => deliver(signedEvent(customers[i % CUSTOMERS]!)));
  await untilProcessed();

  const results = [];
  const ratios: Record<string, number> = {};
  for (const concurrency of [1, 8, 32]) {
    console.log(`[bench] concurrency ${concurrency}…`);
    const count = concurrency === 1 ? Math.min(PER_LEVEL, 300) : PER_LEVEL;
    const events = Array.from({ length: count }, (_, i) => signedEvent(customers[i % CUSTOMERS]!));
    const noop = await load(count, concurrency, () => fetch(`${app.url}/api/health/live`));
    const intake = await load(count, concurrency, (i) => deliver(events[i]!));
    const a = summary(`webhook intake, concurrency ${concurrency}`, intake.samples, intake.wall);
    const b = summary(`no-op route (GET /api/health/live), concurrency ${concurrency}`, noop.samples, noop.wall);
    results.push(a, b);
    ratios[`c${concurrency}`] = +(a.perSecond / b.perSecond).toFixed(2);
    await untilProcessed();
  }

  // Stripe calls per event: a burst of 1,000 over 50 customers, counted once all are processed.
  standIn.control.resetRequests();
  const burst = Array.from({ length: 1000 }, (_, i) => signedEvent(customers[i % CUSTOMERS]!));
  await load(burst.length, 32, (i) => deliver(burst[i]!));
  await untilProcessed();
  const stripeCalls = standIn.control.counts();
  const statuses = await db.billingEvent.groupBy({ by: ["status"], _count: true });

  const out = {
    date: new Date().toISOString(),
    node: process.version,
    customers: CUSTOMERS,
    results,
    intakeVsNoop: ratios,
    stripeCallsPerEvent: { events: burst.length, calls: stripeCalls.total, perEvent: +(stripeCalls.total / burst.length).toFixed(3), byRoute: stripeCalls.byRoute },
    rows: Object.fromEntries(statuses.map((s) => [s.status, s._count])),
  };
  console.table(results);
  console.log("intake throughput ÷ no-op throughput:", ratios);
  console.log("Stripe calls per event (1,000 events, 50 customers):", out.stripeCallsPerEvent);
  console.log("BillingEvent rows by status:", out.rows);
  writeResult("webhook-ingest", out);
} finally {
  await app.stop();
  await db.$disconnect();
  await standIn.close();
  await database.drop();
}
// The app's Redis client (imported above for registering users) keeps the event loop alive.
process.exit(0);
