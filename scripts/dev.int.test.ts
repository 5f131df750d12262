import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { sdkFor } from "../e2e/stand-ins/stripe/sdk";
import { portTaken } from "./lib/local-state";
import { LOCAL_STRIPE_SECRET } from "./lib/local-stripe";

// The README's start command on embedded defaults: no DATABASE_URL, no Redis, no service keys.
const root = resolve(import.meta.dirname, "..");
type Ports = { app: number; pg: number; stripe: number; qstash: number; gemini: number; sendgrid: number };
const dataDirs: string[] = [];
afterAll(() => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function dataDir() {
  const dir = mkdtempSync(join(tmpdir(), "vantflow-dev-"));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to enter this directory.
  chmodSync(dir, 0o755);
  dataDirs.push(dir);
  return dir;
}

const UNSET = /^(DATABASE_URL|REDIS_URL|AUTH_SECRET|APP_URL|STRIPE_|QSTASH_|GEMINI_|SENDGRID_|EMAIL_FROM|UPSTASH_|TEST_DATABASE|npm_)/;

/** `command` (the dev start) with its own ports and data directory, in a process group of its own. */
function startDev(command: string[], ports: Ports, data: string) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !UNSET.test(k)));
  const child = spawn(command[0]!, command.slice(1), {
    cwd: root,
    detached: true,
    env: {
      ...env,
      NODE_ENV: "development",
      PORT: String(ports.app),
      EMBEDDED_PG_PORT: String(ports.pg),
      STRIPE_STAND_IN_PORT: String(ports.stripe),
      QSTASH_STAND_IN_PORT: String(ports.qstash),
      GEMINI_STAND_IN_PORT: String(ports.gemini),
      SENDGRID_STAND_IN_PORT: String(ports.sendgrid),
      VANTFLOW_DATA_DIR: data,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  return {
    get log() {
      return log;
    },
    /** The app's /health once it answers (null if the start gave up). */
    async health() {
      let health: unknown = null;
      for (let i = 0; i < 240 && health === null && child.exitCode === null; i++) {
        health = await fetch(`http://127.0.0.1:${ports.app}/health`)
          .then((r) => (r.ok ? r.json() : null))
          .catch(() => null);
        if (health === null) await new Promise((r) => setTimeout(r, 500));
      }
      return health;
    },
    /** Sends `signal` to the started process only, waits for it to exit, and lists the ports still open. */
    async stop(signal: NodeJS.Signals) {
      child.kill(signal);
      await exited;
      // The kernel may take a moment to release a port its process has closed (more so on a busy
      // machine): what must hold is that each one closes, not that it is closed the same instant.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const open = [];
        for (const [name, port] of Object.entries(ports)) if (await portTaken(port)) open.push(`${name}:${port}`);
        if (!open.length || Date.now() > deadline) return open;
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    /** Whatever a failed test left running in the group is ended. */
    kill() {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // the group is gone already
      }
    },
  };
}

/** Polls `read` until it returns a value that is not undefined (each test has its own overall timeout). */
async function eventually<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("npm run dev with nothing configured", () => {
  it("serves the app with embedded PostgreSQL and every stand-in, lists them, and stops them all on Ctrl-C", async () => {
    const ports = { app: 3211, pg: 54341, stripe: 12211, qstash: 12212, gemini: 12213, sendgrid: 12214 };
    const dev = startDev([join(root, "node_modules/.bin/tsx"), "scripts/dev.ts"], ports, dataDir());
    try {
      expect(await dev.health(), dev.log).toEqual({ status: "ok", db: "ok", redis: "ok" });
      expect(dev.log).toContain(`stand-in: Stripe on http://127.0.0.1:${ports.stripe}`);
      expect(dev.log).toContain(`stand-in: QStash on http://127.0.0.1:${ports.qstash}`);
      expect(dev.log).toContain(`stand-in: Gemini on http://127.0.0.1:${ports.gemini}`);
      expect(dev.log).toContain(`stand-in: SendGrid on http://127.0.0.1:${ports.sendgrid} (emails are kept, not delivered: mailbox at http://127.0.0.1:${ports.sendgrid}/)`);
      expect(dev.log).toContain("demo login: demo@vantflow.dev");
      const plans = (await (await fetch(`http://127.0.0.1:${ports.app}/api/billing/plans`)).json()) as { plans: unknown[] };
      expect(plans.plans).toHaveLength(3);
      expect(await dev.stop("SIGINT"), dev.log).toEqual([]);
    } finally {
      dev.kill();
    }
  }, 150_000);

  it("keeps a subscribed org's billing across kill -TERM of npm and a restart, with every port closed in between", async () => {
    const ports = { app: 3221, pg: 54351, stripe: 12221, qstash: 12222, gemini: 12223, sendgrid: 12224 };
    const data = dataDir();
    const app = `http://127.0.0.1:${ports.app}`;
    const stripe = sdkFor(`http://127.0.0.1:${ports.stripe}`, LOCAL_STRIPE_SECRET);
    const db = () => new pg.Client({ connectionString: `postgresql://postgres:postgres@127.0.0.1:${ports.pg}/vantflow` });
    /** The org's subscription row as the app's sync wrote it, once it exists and `ready` holds. */
    const row = (subscription: string, ready: (r: { status: string; cancelAtPeriodEnd: boolean }) => boolean) =>
      eventually(async () => {
        const client = db();
        await client.connect();
        try {
          const { rows } = await client.query<{ status: string; cancelAtPeriodEnd: boolean }>(
            `SELECT "status", "cancelAtPeriodEnd" FROM "Subscription" WHERE "stripeSubscriptionId" = $1`,
            [subscription],
          );
          return rows[0] && ready(rows[0]) ? rows[0] : undefined;
        } finally {
          await client.end();
        }
      });

    const first = startDev(["npm", "run", "dev"], ports, data);
    let customer: string;
    let subscription: string;
    try {
      expect(await first.health(), first.log).toMatchObject({ status: "ok" });
      expect(first.log).toMatch(/npm run dev -- --reset/);
      const registered = await fetch(`${app}/api/auth/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "restart@example.test", password: "restart-password", name: "Restart", organizationName: "Restart Org" }),
      });
      const { organization } = (await registered.json()) as { organization: { id: string } };
      // Subscribed at the stand-in as the app's checkout would: the customer names its org.
      const [price] = (await stripe.prices.list({ lookup_keys: ["vantflow_pro_monthly"] })).data;
      customer = (await stripe.customers.create({ email: "restart@example.test", metadata: { organizationId: organization.id } })).id;
      await stripe.paymentMethods.attach("pm_card_visa", { customer });
      subscription = (await stripe.subscriptions.create({ customer, items: [{ price: price!.id }], trial_period_days: 14 })).id;
      // The signed webhooks reach the app, whose sync writes the org's subscription.
      expect(await row(subscription, (r) => r.status === "trialing")).toMatchObject({ status: "trialing", cancelAtPeriodEnd: false });
      expect(await first.stop("SIGTERM"), first.log).toEqual([]);
    } finally {
      first.kill();
    }

    const second = startDev(["npm", "run", "dev"], ports, data);
    try {
      expect(await second.health(), second.log).toMatchObject({ status: "ok" });
      expect(await stripe.customers.retrieve(customer)).toMatchObject({ id: customer, email: "restart@example.test" });
      expect(await stripe.subscriptions.retrieve(subscription)).toMatchObject({ id: subscription, status: "trialing", customer });
      // The app's sync still works for the org: a change at Stripe reaches its rows.
      await stripe.subscriptions.update(subscription, { cancel_at_period_end: true });
      expect(await row(subscription, (r) => r.cancelAtPeriodEnd)).toMatchObject({ status: "trialing", cancelAtPeriodEnd: true });
      expect(await second.stop("SIGTERM"), second.log).toEqual([]);
    } finally {
      second.kill();
    }
  }, 400_000);
});
