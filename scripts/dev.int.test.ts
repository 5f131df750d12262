import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The README's start command on embedded defaults: no DATABASE_URL, no Redis, no service keys.
const root = resolve(import.meta.dirname, "..");
const ports = { app: 3211, pg: 54341, stripe: 12211, qstash: 12212, gemini: 12213 };
const dataDir = mkdtempSync(join(tmpdir(), "vantflow-dev-"));
// As root, PostgreSQL runs as the `postgres` user, which must be able to enter this directory.
chmodSync(dataDir, 0o755);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const UNSET = /^(DATABASE_URL|REDIS_URL|AUTH_SECRET|APP_URL|STRIPE_|QSTASH_|GEMINI_|UPSTASH_|TEST_DATABASE)/;
const listening = (port: number) =>
  new Promise<boolean>((done) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.once("connect", () => done(!socket.destroy()));
    socket.once("error", () => done(false));
  });

describe("npm run dev with nothing configured", () => {
  it("serves the app with embedded PostgreSQL and every stand-in, lists them, and stops them all on Ctrl-C", async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !UNSET.test(k)));
    const child = spawn(join(root, "node_modules/.bin/tsx"), ["scripts/dev.ts"], {
      cwd: root,
      env: {
        ...env,
        NODE_ENV: "development",
        PORT: String(ports.app),
        EMBEDDED_PG_PORT: String(ports.pg),
        STRIPE_STAND_IN_PORT: String(ports.stripe),
        QSTASH_STAND_IN_PORT: String(ports.qstash),
        GEMINI_STAND_IN_PORT: String(ports.gemini),
        VANTFLOW_DATA_DIR: dataDir,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout.on("data", (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    try {
      let health: unknown = null;
      for (let i = 0; i < 180 && health === null && child.exitCode === null; i++) {
        health = await fetch(`http://127.0.0.1:${ports.app}/health`)
          .then((r) => (r.ok ? r.json() : null))
          .catch(() => null);
        if (health === null) await new Promise((r) => setTimeout(r, 500));
      }
      expect(health, log).toEqual({ status: "ok", db: "ok", redis: "ok" });
      expect(log).toContain(`stand-in: Stripe on http://127.0.0.1:${ports.stripe}`);
      expect(log).toContain(`stand-in: QStash on http://127.0.0.1:${ports.qstash}`);
      expect(log).toContain(`stand-in: Gemini on http://127.0.0.1:${ports.gemini}`);
      expect(log).toContain("demo login: demo@vantflow.dev");
      const plans = (await (await fetch(`http://127.0.0.1:${ports.app}/api/billing/plans`)).json()) as { plans: unknown[] };
      expect(plans.plans).toHaveLength(3);
    } finally {
      child.kill("SIGINT");
      await exited;
    }
    for (const port of Object.values(ports)) expect({ port, open: await listening(port) }).toEqual({ port, open: false });
  }, 150_000);
});
