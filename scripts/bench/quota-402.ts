/**
 * `npm run bench` (quota-402): the refused chat call on `next start`. A fresh database, the
 * machine's Redis (REDIS_URL or 127.0.0.1:6379) and the Gemini stand-in; `next start` of the
 * finished build on a port of its own (BENCH_PORT, default 3310; builds first when `.next` has no
 * build). A registered user's org gets its gemini_tokens counter set past the limit, as the guide's
 * 8.1 does with redis-cli, then BENCH_CALLS (default 2000) sequential POSTs to
 * /api/chat/projects/{id}/message with its bearer token must all answer 402. Prints p50/p95/p99
 * next to the goal (p50 ≤ 5 ms), counts the model calls and the database transactions those calls
 * made, and writes .bench/quota-402.json.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import IORedis from "ioredis";
import pg from "pg";
import { startGeminiStandIn } from "../../e2e/stand-ins/gemini/server";
import { limitKey } from "../../src/server/usage/keys";
import { benchDatabase, root, summary, writeResult } from "./lib";

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const WARMUP = 100;
const PORT = Number(process.env.BENCH_PORT ?? 3310);
const GOAL_P50_MS = 5;
const base = `http://127.0.0.1:${PORT}`;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const database = await benchDatabase("quota402");
const url = database.url;

const geminiKey = "gemini_bench";
const gemini = await startGeminiStandIn({ apiKey: geminiKey });
const redis = new IORedis(redisUrl);
const appEnv = {
  ...process.env,
  NODE_ENV: "production" as const,
  DATABASE_URL: url,
  REDIS_URL: redisUrl,
  AUTH_SECRET: "bench-auth-secret-bench-auth-secret-0123456789",
  APP_URL: base,
  GEMINI_API_KEY: geminiKey,
  GEMINI_API_BASE: gemini.url,
  // The bench registers its own account from 127.0.0.1 on the machine's shared Redis, where other
  // runs (e2e, earlier benches) have used up the hourly per-client allowance.
  REGISTER_CLIENT_MAX_PER_HOUR: "1000000",
};
const next = join(root, "node_modules/.bin/next");
if (!existsSync(join(root, ".next/BUILD_ID"))) {
  console.log("[bench] no build in .next: running next build");
  if (spawnSync(next, ["build"], { cwd: root, env: appEnv, stdio: "inherit" }).status !== 0) throw new Error("next build failed");
}
const server = spawn(next, ["start", "--port", String(PORT), "--hostname", "127.0.0.1"], { cwd: root, env: appEnv, stdio: ["ignore", "ignore", "inherit"] });

/**
 * What PostgreSQL has counted for the bench database: transactions, and reads per table (index and
 * sequential scans). Its statistics are flushed about once a second, hence the wait.
 */
async function databaseActivity() {
  await new Promise((r) => setTimeout(r, 2000));
  const [transactions, tables] = await Promise.all([
    new pg.Client({ connectionString: url }),
    new pg.Client({ connectionString: url }),
  ].map(async (client, i) => {
    await client.connect();
    try {
      if (i === 0) {
        const { rows } = await client.query<{ n: string }>("SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1", [new URL(url).pathname.slice(1)]);
        return Number(rows[0]?.n ?? 0);
      }
      const { rows } = await client.query<{ relname: string; reads: string }>(
        "SELECT relname, coalesce(idx_scan, 0) + coalesce(seq_scan, 0) AS reads FROM pg_stat_user_tables",
      );
      return Object.fromEntries(rows.map((r) => [r.relname, Number(r.reads)]));
    } finally {
      await client.end();
    }
  })) as [number, Record<string, number>];
  return { transactions, tables };
}
const tableReadsSince = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).map(([t, n]) => [t, n - (before[t] ?? 0)]).filter(([, n]) => Number(n) > 0));

async function post(path: string, body: unknown, token?: string) {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const stats = (samples: number[]) => {
  const { p50Ms, p95Ms, p99Ms } = summary("", samples, 1);
  return { p50Ms, p95Ms, p99Ms };
};

/** The same number of GET /api/billing/plans (a constant JSON: no Redis, no database): this machine's floor for a route of `next start`. */
async function floor() {
  const samples: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await (await fetch(`${base}/api/billing/plans`)).json();
    samples.push(performance.now() - t);
  }
  return stats(samples);
}

try {
  for (let i = 0; ; i++) {
    if (server.exitCode !== null) throw new Error("next start exited");
    if (await fetch(`${base}/health`).then((r) => r.ok, () => false)) break;
    if (i > 300) throw new Error("next start did not answer /health in 60 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  const registered = await post("/api/auth/register", { email: `bench-${Date.now()}@example.test`, password: "bench-password-1", name: "Bench" });
  if (registered.status !== 201) throw new Error(`registration failed: ${registered.status} ${JSON.stringify(registered.body)}`);
  const { token, organization } = registered.body as { token: string; organization: { id: string } };
  const project = await post("/api/projects", { name: "Bench project" }, token);
  const projectId = (project.body as { id: string }).id;
  const month = new Date().toISOString().slice(0, 7);
  const counterKey = `usage:org:${organization.id}:metric:gemini_tokens:${month}`;
  await redis.set(counterKey, "101000"); // the guide's 8.1

  const path = `/api/chat/projects/${projectId}/message`;
  const call = () => post(path, { content: "Test" }, token);
  for (let i = 0; i < WARMUP; i++) await call();

  const modelCallsBefore = gemini.requests.length;
  const activityBefore = await databaseActivity();
  const samples: number[] = [];
  const start = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    const res = await call();
    samples.push(performance.now() - t);
    if (res.status !== 402) throw new Error(`call ${i} answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  const wall = performance.now() - start;
  // The statistics queries themselves are a transaction or two of the bench database's count.
  const activityAfter = await databaseActivity();
  const transactions = activityAfter.transactions - activityBefore.transactions;
  const tableReads = tableReadsSince(activityBefore.tables, activityAfter.tables);
  const refused = stats(samples);
  const baseline = await floor();
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    calls: CALLS,
    ...refused,
    perSecond: +((CALLS / wall) * 1000).toFixed(1),
    goalP50Ms: GOAL_P50_MS,
    goalMet: refused.p50Ms <= GOAL_P50_MS,
    floor: { path: "GET /api/billing/plans", ...baseline },
    modelCalls: gemini.requests.length - modelCallsBefore,
    databaseTransactions: transactions,
    tableReads,
    counterAfter: Number(await redis.get(counterKey)),
  };
  console.table([
    { path: "POST chat message → 402 (bearer token)", "p50 ms": refused.p50Ms, "p95 ms": refused.p95Ms, "p99 ms": refused.p99Ms, "goal p50 ms": GOAL_P50_MS },
    { path: "floor: GET /api/billing/plans (constant)", "p50 ms": baseline.p50Ms, "p95 ms": baseline.p95Ms, "p99 ms": baseline.p99Ms, "goal p50 ms": "" },
  ]);
  console.log(`goal p50 ≤ ${GOAL_P50_MS} ms: ${results.goalMet ? "met" : "NOT met"}; model calls: ${results.modelCalls}; database transactions during ${CALLS} calls: ${transactions}, table reads ${JSON.stringify(tableReads)}; counter after: ${results.counterAfter}`);
  writeResult("quota-402", results);
  await redis.del(counterKey, `${counterKey}:daily`, limitKey(organization.id, "gemini_tokens", month));
} finally {
  server.kill("SIGTERM");
  await new Promise((r) => (server.exitCode !== null ? r(null) : server.once("exit", r)));
  redis.disconnect();
  await gemini.close();
  await database.drop();
}
