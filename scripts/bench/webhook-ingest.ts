/**
 * `npm run bench`: Stripe webhook ingestion, end to end in process — signature check, the
 * BillingEvent insert and lease, the convergent sync (four Stripe reads against the local
 * stand-in, then the upserts) — on a fresh PostgreSQL database. Prints latency percentiles and
 * throughput for first deliveries and for redeliveries (the duplicate fast path), and writes
 * them to .bench/webhook-ingest.json. Uses the machine's PostgreSQL (TEST_DATABASE_ADMIN_URL or
 * 127.0.0.1:5432), else the embedded one.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import Stripe from "stripe";
import { freshBenchDatabase } from "./fresh-database";
import { startStripeStandIn } from "../../e2e/stand-ins/stripe/server";
import { setupCatalog } from "../../src/server/billing/setup-catalog";
import { stripeConnection } from "../../src/server/clients/stripe-connection";

const ORGS = Number(process.env.BENCH_ORGS ?? 40);
const REDELIVERIES = Number(process.env.BENCH_REDELIVERIES ?? 1000);
const root = resolve(import.meta.dirname, "../..");

const database = await freshBenchDatabase("vantflow_bench");
const url = database.url;

const secretKey = "sk_test_vantflow_bench";
const webhookSecret = "whsec_vantflow_bench";
const standIn = await startStripeStandIn({ secretKey });
const sdk = new Stripe(secretKey, { ...stripeConnection(standIn.url), maxNetworkRetries: 0 });
Object.assign(process.env, await setupCatalog(sdk), {
  DATABASE_URL: url,
  STRIPE_SECRET_KEY: secretKey,
  STRIPE_WEBHOOK_SECRET: webhookSecret,
  STRIPE_API_BASE: standIn.url,
  AUTH_SECRET: "bench-auth-secret-bench-auth-secret-0123456789",
});
// The app's modules read the environment when first imported.
const { handleStripeWebhook } = await import("../../src/server/billing/stripe-webhook");
const { ensureStripeCustomer } = await import("../../src/server/billing/stripe-customer");
const { registerUser } = await import("../../src/server/auth/register-user");
const { db } = await import("../../src/server/clients/db");

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
function summary(name: string, samples: number[], wallMs: number) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    name,
    count: samples.length,
    p50Ms: +percentile(sorted, 50).toFixed(2),
    p95Ms: +percentile(sorted, 95).toFixed(2),
    p99Ms: +percentile(sorted, 99).toFixed(2),
    perSecond: +((samples.length / wallMs) * 1000).toFixed(1),
  };
}

try {
  // Orgs with a customer, a card and a subscription: each brings about ten events.
  for (let i = 0; i < ORGS; i++) {
    const { organization } = await registerUser({ email: `bench-${i}-${Date.now()}@example.test`, password: "bench-password-1", name: `Bench ${i}` });
    const customer = await ensureStripeCustomer(organization.id);
    const pm = await sdk.paymentMethods.attach("pm_card_visa", { customer });
    await sdk.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
    await sdk.subscriptions.create({ customer, items: [{ price: process.env.STRIPE_PRICE_PRO_MONTHLY! }] });
  }
  await standIn.bus.settle();
  const events = (await sdk.events.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 })).reverse();
  const signed = events.map((event) => {
    const body = JSON.stringify(event);
    return { body, signature: sdk.webhooks.generateTestHeaderString({ payload: body, secret: webhookSecret }) };
  });

  const deliver = async (list: typeof signed) => {
    const samples: number[] = [];
    const start = performance.now();
    for (const e of list) {
      const t = performance.now();
      await handleStripeWebhook(e.body, e.signature);
      samples.push(performance.now() - t);
    }
    return { samples, wall: performance.now() - start };
  };
  const first = await deliver(signed);
  const repeats = Array.from({ length: REDELIVERIES }, (_, i) => signed[i % signed.length]!);
  const again = await deliver(repeats);
  const statuses = await db.billingEvent.groupBy({ by: ["status"], _count: true });

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    orgs: ORGS,
    results: [summary("first delivery (verify + store + sync)", first.samples, first.wall), summary("redelivery (duplicate)", again.samples, again.wall)],
    rows: Object.fromEntries(statuses.map((s) => [s.status, s._count])),
  };
  console.table(results.results);
  console.log("BillingEvent rows by status:", results.rows);
  mkdirSync(join(root, ".bench"), { recursive: true });
  writeFileSync(join(root, ".bench/webhook-ingest.json"), JSON.stringify(results, null, 2));
} finally {
  await db.$disconnect();
  await standIn.close();
  await database.drop();
}
