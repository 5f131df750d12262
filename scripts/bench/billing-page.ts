/**
 * `npm run bench -- billing-page`: the server render of /dashboard/billing on `next start` for an
 * org with a live Pro subscription, a default card, 200 invoices and 24 months of usage, signed in
 * with a real session cookie (Auth.js credentials sign-in, as a browser does it). A fresh database,
 * the machine's Redis (REDIS_URL or 127.0.0.1:6379); `next start` of the finished build on
 * BENCH_PORT (default 3335; builds first when `.next` has no build). After BENCH_WARMUP renders,
 * BENCH_RENDERS (default 100) sequential GETs of each page, beside baselines measured in the same
 * run on the same server: the /login page (a render without data) and GET /api/billing/plans (a
 * constant JSON). Prints p50/p95/p99 and the database transactions per render (each statement
 * outside a transaction is one, so an N+1 shows as a number that grows with the rows), against
 * the goal p50 ≤ 150 ms; writes .bench/billing-page.json.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { benchDatabase, summary, writeResult } from "./lib";
import { startNextApp } from "./next-app";

const RENDERS = Number(process.env.BENCH_RENDERS ?? 100);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const PORT = Number(process.env.BENCH_PORT ?? 3335);
const GOAL_P50_MS = 150;
const INVOICES = 200;
const USAGE_MONTHS = 24;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const database = await benchDatabase("billing_page");
const sql = new pg.Client({ connectionString: database.url });
await sql.connect();

/** `YYYY-MM` of the UTC month `back` months before this one. */
function monthBack(back: number) {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - back);
  return d.toISOString().slice(0, 7);
}

/** The billing rows of an org as the webhook and the daily sync leave them, written directly. */
async function seed(organizationId: string) {
  const customer = `cus_Bench${randomUUID().slice(0, 8)}`;
  const subscription = `sub_Bench${randomUUID().slice(0, 8)}`;
  const now = Date.now();
  const day = 86_400_000;
  await sql.query(`UPDATE "Organization" SET "stripeCustomerId" = $2 WHERE id = $1`, [organizationId, customer]);
  await sql.query(
    `INSERT INTO "Subscription" (id, "organizationId", "stripeSubscriptionId", "stripeCustomerId", status, plan, interval, "stripePriceId",
       "unitAmount", "currentPeriodStart", "currentPeriodEnd", "stripeCreatedAt", "updatedAt")
     VALUES ($1, $2, $3, $4, 'active', 'pro', 'month', 'price_bench_pro', 2900, $5, $6, $7, now())`,
    [randomUUID(), organizationId, subscription, customer, new Date(now - 10 * day), new Date(now + 20 * day), new Date(now - 730 * day)],
  );
  await sql.query(
    `INSERT INTO "PaymentMethod" (id, "organizationId", "stripePaymentMethodId", "stripeCustomerId", type, brand, last4, "expMonth", "expYear", "isDefault", "updatedAt")
     VALUES ($1, $2, $3, $4, 'card', 'visa', '4242', 12, 2030, true, now())`,
    [randomUUID(), organizationId, `pm_Bench${randomUUID().slice(0, 8)}`, customer],
  );
  // One invoice every 3–4 days going back: 200 rows, newest first in the list.
  await sql.query(
    `INSERT INTO "InvoiceRecord" (id, "organizationId", "stripeInvoiceId", "stripeSubscriptionId", "stripeCustomerId", number, status, "billingReason",
       currency, subtotal, total, "amountDue", "amountPaid", "periodStart", "periodEnd", "paidAt", "stripeCreatedAt", lines, "updatedAt")
     SELECT 'inv_row_' || i, $1, 'in_Bench' || i || $4, $2, $3, 'BENCH-' || lpad(i::text, 4, '0'), 'paid', 'subscription_cycle',
       'usd', 2900, 2900, 2900, 2900, now() - (i * 3.6 || ' days')::interval - interval '30 days', now() - (i * 3.6 || ' days')::interval,
       now() - (i * 3.6 || ' days')::interval, now() - (i * 3.6 || ' days')::interval,
       jsonb_build_array(jsonb_build_object('description', 'Pro (monthly)', 'amount', 2900, 'quantity', 1)), now()
     FROM generate_series(1, $5::int) AS i`,
    [organizationId, subscription, customer, randomUUID().slice(0, 8), INVOICES],
  );
  const months = Array.from({ length: USAGE_MONTHS }, (_, i) => monthBack(i));
  await sql.query(
    `INSERT INTO "UsageRecord" (id, "organizationId", metric, period, quantity, "flushedAt", "updatedAt")
     SELECT 'usage_' || $1 || '_' || p, $1, 'gemini_tokens', p, 1000 + (random() * 90000)::int, now(), now() FROM unnest($2::text[]) AS p`,
    [organizationId, months],
  );
}

/** Signs in through Auth.js's credentials callback, as the login form does; returns the Cookie header. */
async function signIn(base: string, email: string, password: string) {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = csrf.headers.getSetCookie().map((c) => c.split(";")[0]!);
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.join("; ") },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: "/dashboard" }),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => c.startsWith("authjs.session-token="));
  if (!session) throw new Error(`sign-in failed: ${res.status} ${res.headers.get("location")}`);
  return session;
}

/** PostgreSQL's counts for the bench database: transactions, and reads (index + sequential scans) per table. */
async function activity() {
  // PostgreSQL flushes its statistics about once a second.
  await new Promise((r) => setTimeout(r, 1500));
  const { rows } = await sql.query<{ n: string }>("SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()");
  const tables = await sql.query<{ relname: string; reads: string }>("SELECT relname, coalesce(idx_scan, 0) + coalesce(seq_scan, 0) AS reads FROM pg_stat_user_tables");
  return { transactions: Number(rows[0]!.n), reads: Object.fromEntries(tables.rows.map((r) => [r.relname, Number(r.reads)])) };
}

/** Sequential GETs of one path after a warm-up; every answer must be a 200 whose body has `expect`. */
async function measure(base: string, path: string, expect: string, cookie?: string) {
  const get = async () => {
    const res = await fetch(`${base}${path}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });
    const body = await res.text();
    if (res.status !== 200 || !body.includes(expect)) throw new Error(`GET ${path} answered ${res.status} without "${expect}"`);
  };
  for (let i = 0; i < WARMUP; i++) await get();
  const before = await activity();
  const samples: number[] = [];
  const start = performance.now();
  for (let i = 0; i < RENDERS; i++) {
    const t = performance.now();
    await get();
    samples.push(performance.now() - t);
  }
  const wall = performance.now() - start;
  const after = await activity();
  // The statistics queries themselves are two transactions.
  const perRender = +((after.transactions - before.transactions - 2) / RENDERS).toFixed(1);
  const tableReadsPerRender = Object.fromEntries(
    Object.entries(after.reads)
      .map(([table, n]) => [table, +((n - (before.reads[table] ?? 0)) / RENDERS).toFixed(1)] as const)
      .filter(([, n]) => n > 0),
  );
  const { p50Ms, p95Ms, p99Ms, perSecond } = summary(path, samples, wall);
  return { path, p50Ms, p95Ms, p99Ms, perSecond, dbTransactionsPerRender: perRender, tableReadsPerRender };
}

const app = await startNextApp({
  port: PORT,
  env: {
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    AUTH_SECRET: "bench-auth-secret-bench-auth-secret-0123456789",
    // Every run registers from one address into a Redis other runs share.
    REGISTER_CLIENT_MAX_PER_HOUR: "1000000",
  },
});
try {
  const email = `bench-billing-${Date.now()}@example.test`;
  const password = "bench-password-1";
  const registered = await fetch(`${app.url}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, name: "Bench" }),
  });
  if (registered.status !== 201 && registered.status !== 200) throw new Error(`register answered ${registered.status}: ${await registered.text()}`);
  const { organization } = (await registered.json()) as { organization: { id: string } };
  await seed(organization.id);
  const cookie = await signIn(app.url, email, password);

  const billing = await measure(app.url, "/dashboard/billing", "Pro", cookie);
  const invoices = await measure(app.url, "/dashboard/billing/invoices", "BENCH-0001", cookie);
  const login = await measure(app.url, "/login", "</html>");
  const plans = await measure(app.url, "/api/billing/plans", "pro");
  const rows = [billing, invoices, login, plans];
  console.table(rows.map((r) => ({ path: r.path, "p50 ms": r.p50Ms, "p95 ms": r.p95Ms, "p99 ms": r.p99Ms, "db xacts/render": r.dbTransactionsPerRender })));
  const goalMet = billing.p50Ms <= GOAL_P50_MS;
  for (const r of rows) if (Object.keys(r.tableReadsPerRender).length) console.log(`${r.path} table reads per render: ${JSON.stringify(r.tableReadsPerRender)}`);
  console.log(`goal /dashboard/billing p50 ≤ ${GOAL_P50_MS} ms: ${goalMet ? "met" : "NOT met"} (${RENDERS} renders after ${WARMUP} warm-up; ${INVOICES} invoices, ${USAGE_MONTHS} months of usage)`);
  writeResult("billing-page", {
    date: new Date().toISOString(),
    node: process.version,
    renders: RENDERS,
    warmup: WARMUP,
    seeded: { invoices: INVOICES, usageMonths: USAGE_MONTHS },
    goalP50Ms: GOAL_P50_MS,
    goalMet,
    results: rows,
  });
} finally {
  await app.stop();
  await sql.end();
  await database.drop();
}
