/**
 * `npm test`: every check and test, on any machine of this kind. It finds or starts what the
 * tests need — PostgreSQL (the machine's, else the embedded one), Redis (the machine's, else
 * Debian's redis-server, installed when root), Debian's chromium for e2e — then runs lint,
 * typecheck, the migrations drift check, vitest (unit + integration), `next build`, the standalone
 * server's smoke test and Playwright, and ends with one line `N passed, N failed` over all of them. Exit code 1 on any failure.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { join, resolve } from "node:path";
import { deployMigrations } from "./db/deploy";
import { withDatabase } from "./db/paths";
import { dropDatabase } from "./db/server";
import { postgresAnswers, startEmbeddedPostgres } from "./lib/postgres";
import { playwrightCounts, type RunnerCounts, vitestCounts } from "./lib/test-report";

const root = resolve(import.meta.dirname, "..");
const out = join(root, ".test-output");
const bin = (name: string) => join(root, "node_modules/.bin", name);
const say = (line: string) => console.log(`\n[test] ${line}`);
const isRoot = process.getuid?.() === 0;

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures: string[] = [];
const cleanups: (() => Promise<unknown> | unknown)[] = [];

function run(label: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  say(`${label}: ${[cmd.replace(root + "/", ""), ...args].join(" ")}`);
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd: root, env, stdio: "inherit" });
  const ok = result.status === 0;
  say(`${label}: ${ok ? "ok" : `FAILED (exit ${result.status ?? result.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return ok;
}

/** A gate (lint, typecheck, build…) counts as one check. */
function gate(label: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv) {
  const ok = run(label, cmd, args, env);
  if (ok) totals.passed++;
  else {
    totals.failed++;
    failures.push(label);
  }
  return ok;
}

function countReport(label: string, exitOk: boolean, file: string, read: (json: unknown, exitOk: boolean) => RunnerCounts) {
  try {
    const counts = read(JSON.parse(readFileSync(file, "utf8")), exitOk);
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    totals.skipped += counts.skipped;
    failures.push(...counts.notes.map((note) => `${label}: ${note}`));
    if (counts.failed) failures.push(`${label} (${counts.failed} failed)`);
    if (counts.passed + counts.failed === 0) {
      totals.failed++;
      failures.push(`${label} ran no test`);
    }
  } catch {
    totals.failed++;
    failures.push(`${label} produced no report`);
  }
}

function redisAnswers(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.on("error", () => finish(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (d) => finish(d.toString().startsWith("+PONG")));
  });
}

const which = (name: string) => spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();

let aptUpdated = false;
function aptInstall(pkg: string) {
  if (!isRoot || !which("apt-get")) return false;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!aptUpdated) aptUpdated = run("apt-get update", "apt-get", ["update", "-qq"], env);
  return run(`apt-get install ${pkg}`, "apt-get", ["install", "-y", "-qq", "--no-install-recommends", pkg], env);
}

async function ensurePostgres(): Promise<string> {
  const configured = process.env.TEST_DATABASE_ADMIN_URL;
  if (configured) return configured;
  const machine = "postgresql://postgres@127.0.0.1:5432/postgres";
  if (await postgresAnswers(machine)) {
    say("PostgreSQL: using the machine's server at 127.0.0.1:5432");
    return machine;
  }
  say("PostgreSQL: none answers at 127.0.0.1:5432; starting embedded PostgreSQL on 54330");
  const server = await startEmbeddedPostgres({ dir: join(root, ".data/test-postgres"), port: 54330, log: console.log });
  cleanups.push(() => server.stop());
  return server.url("postgres");
}

async function ensureRedis(): Promise<string> {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  if (await redisAnswers(6379)) {
    say("Redis: using the machine's server at 127.0.0.1:6379");
    return "redis://127.0.0.1:6379";
  }
  if (!which("redis-server")) aptInstall("redis-server");
  const server = which("redis-server");
  if (!server) throw new Error("No Redis answers on 6379 and redis-server could not be installed (needs root and apt).");
  const port = 6390;
  say(`Redis: starting ${server} on 127.0.0.1:${port}`);
  const child: ChildProcess = spawn(server, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  cleanups.push(() => child.kill("SIGTERM"));
  for (let i = 0; i < 50 && !(await redisAnswers(port)); i++) await new Promise((r) => setTimeout(r, 100));
  return `redis://127.0.0.1:${port}`;
}

function ensureChromium(): string | null {
  const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (existsSync(path)) return path;
  say("Chromium: not found; installing Debian's chromium");
  aptInstall("chromium");
  return existsSync(path) ? path : null;
}

async function main() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const adminUrl = await ensurePostgres();
  const redisUrl = await ensureRedis();
  const chromium = ensureChromium();
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    TEST_DATABASE_ADMIN_URL: adminUrl,
    REDIS_URL: redisUrl,
    AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64url"),
    SKIP_ENV_VALIDATION: "",
    NEXT_TELEMETRY_DISABLED: "1",
  };

  gate("lint", bin("eslint"), [".", "--max-warnings", "0"], base);
  gate("typecheck", bin("tsc"), ["--noEmit"], base);
  gate("migrations match schema.prisma", bin("tsx"), ["scripts/db/migrate.ts", "check"], { ...base, DATABASE_URL: adminUrl });

  // The app under e2e gets a database of its own, created and migrated like production's.
  const e2eDb = `vantflow_e2e_${Date.now()}_${process.pid}`;
  const e2eUrl = withDatabase(adminUrl, e2eDb);
  cleanups.push(() => dropDatabase(e2eUrl));
  await deployMigrations(e2eUrl);
  const appEnv: NodeJS.ProcessEnv = { ...base, DATABASE_URL: e2eUrl };

  // Built before vitest: the integration tests that run `next start` (webhook-server.int.test.ts)
  // use this build rather than building one of their own.
  const built = gate("next build", bin("next"), ["build"], { ...appEnv, NODE_ENV: "production" });
  // The same build as self-hosting runs it: node .next/standalone/server.js with production
  // variables and the stand-ins, on a database of its own (scripts/smoke-standalone.ts).
  if (built) {
    const smokeUrl = withDatabase(adminUrl, `vantflow_smoke_${Date.now()}_${process.pid}`);
    cleanups.push(() => dropDatabase(smokeUrl));
    await deployMigrations(smokeUrl);
    gate("standalone smoke test", bin("tsx"), ["scripts/smoke-standalone.ts"], { ...base, DATABASE_URL: smokeUrl });
  }
  const vitestOk = run("vitest (unit + integration)", bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${join(out, "vitest.json")}`], base);
  countReport("vitest", vitestOk, join(out, "vitest.json"), vitestCounts);

  if (!built) {
    totals.failed++;
    failures.push("e2e not run: the build failed");
  } else if (!chromium) {
    totals.failed++;
    failures.push("e2e not run: no chromium (install Debian's chromium)");
  } else {
    const e2eOk = run("playwright (e2e)", bin("playwright"), ["test"], { ...appEnv, CHROMIUM_PATH: chromium });
    const specs = readdirSync(join(root, "e2e"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".spec.ts"));
    countReport("playwright", e2eOk, join(out, "playwright.json"), (json, ok) => playwrightCounts(json, ok, specs.map((f) => join(root, "e2e", f))));
  }
}

let crashed = false;
try {
  await main();
} catch (error) {
  crashed = true;
  console.error("[test] could not run:", error instanceof Error ? error.message : error);
  totals.failed++;
}
for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
if (failures.length) console.log(`\n[test] failures: ${failures.join("; ")}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`);
process.exit(totals.failed || crashed ? 1 : 0);
