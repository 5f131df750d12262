/**
 * `npm run bench -- reconcile`: the daily billing reconcile over BENCH_CUSTOMERS (default 1,000)
 * Stripe customers, each linked to an org; four in five pay for Pro with a card, one in five has
 * nothing. An in-process Stripe stand-in (port 3325) and a fresh PostgreSQL database. Counts the
 * Stripe calls per route from the stand-in's request log for a first run (nothing stored yet) and
 * a steady-state second run after BENCH_CHANGED (default 5) customers changed their default card,
 * with the wall time of each; checks the list calls against the goal (≤ ceil(N/100) + 5 per
 * resource; 10 + 5 for 1,000) and writes .bench/reconcile.json.
 */
import { cpus, loadavg } from "node:os";
import { sdkFor } from "../../e2e/stand-ins/stripe/sdk";
import { startStripeStandIn } from "../../e2e/stand-ins/stripe/server";
import { setupCatalog } from "../../src/server/billing/setup-catalog";
import { benchDatabase, writeResult } from "./lib";

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000);
const CHANGED = Number(process.env.BENCH_CHANGED ?? 5);
const GOAL = Math.ceil(CUSTOMERS / 100) + 5;
const LIST_ROUTES = ["GET /v1/customers", "GET /v1/subscriptions", "GET /v1/invoices"];

const database = await benchDatabase("reconcile");
const secretKey = "sk_test_vantflow_bench_reconcile";
const standIn = await startStripeStandIn({ secretKey, port: 3325, settings: { clockPerCustomer: true } });
const sdk = sdkFor(standIn.url, secretKey);
const prices = await setupCatalog(sdk);
// The app's modules read the environment when first imported.
Object.assign(process.env, prices, {
  DATABASE_URL: database.url,
  STRIPE_SECRET_KEY: secretKey,
  STRIPE_API_BASE: standIn.url,
  REDIS_URL: process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/6",
  UPSTASH_REDIS_REST_URL: "",
  UPSTASH_REDIS_REST_TOKEN: "",
  AUTH_SECRET: process.env.AUTH_SECRET ?? "bench-secret-bench-secret-bench-secret-0123",
});
const { db } = await import("../../src/server/clients/db");
const { reconcileToEnd } = await import("../../src/server/jobs/billing-reconcile");

async function seed(i: number) {
  const org = await db.organization.create({ data: { name: `Bench ${i}` } });
  const customer = await sdk.customers.create({ name: `Bench ${i}`, metadata: { organizationId: org.id } });
  await db.organization.update({ where: { id: org.id }, data: { stripeCustomerId: customer.id } });
  if (i % 5 === 0) return customer.id;
  const pm = await sdk.paymentMethods.attach("pm_card_visa", { customer: customer.id });
  await sdk.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  await sdk.subscriptions.create({ customer: customer.id, items: [{ price: prices.STRIPE_PRICE_PRO_MONTHLY! }] });
  return customer.id;
}

async function measure(name: string) {
  standIn.control.resetRequests();
  const started = performance.now();
  const result = await reconcileToEnd({ batchSize: 100 });
  const wallMs = Math.round(performance.now() - started);
  const { total, byRoute } = standIn.control.counts();
  const lists = Object.fromEntries(LIST_ROUTES.map((r) => [r, byRoute[r] ?? 0]));
  const withinGoal = Object.values(lists).every((n) => n <= GOAL);
  console.log(`${name}: ${wallMs} ms, ${total} Stripe calls, failed orgs ${result.failed.length}, lists within goal (≤ ${GOAL}): ${withinGoal}`);
  console.log(`  ${JSON.stringify(byRoute)}`);
  return { name, wallMs, calls: result.calls, failedOrgs: result.failed.length, totalStripeCalls: total, byRoute, withinGoal };
}

let ok = false;
try {
  const customers: string[] = [];
  for (let i = 0; i < CUSTOMERS; i += 20) customers.push(...(await Promise.all(Array.from({ length: Math.min(20, CUSTOMERS - i) }, (_, k) => seed(i + k)))));
  const first = await measure("first run (no cards stored: every customer's cards read)");
  for (const customer of customers.filter((_, i) => i % 5 !== 0).slice(0, CHANGED)) {
    const pm = await sdk.paymentMethods.attach("pm_card_mastercard", { customer });
    await sdk.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
  }
  const second = await measure(`steady state (${CHANGED} customers changed their card)`);
  ok = first.withinGoal && second.withinGoal && !first.failedOrgs && !second.failedOrgs;
  writeResult("reconcile", { customers: CUSTOMERS, goalPerList: GOAL, runs: [first, second], machine: { cpus: cpus().length, load: loadavg()[0] }, at: new Date().toISOString() });
} finally {
  await db.$disconnect();
  await standIn.close();
  await database.drop();
}
process.exit(ok ? 0 : 1);
