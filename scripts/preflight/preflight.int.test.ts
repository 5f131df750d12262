/**
 * `npm run preflight` against the stand-ins: a correct set-up passes, and each broken one the
 * issue names fails, naming its variable. The Stripe stand-in answers with a live key as Stripe
 * would (its prices report livemode), QStash's holds the schedules, and two databases of this
 * file's own: one migrated (its orgs linked to the live stand-in's customers), one not.
 */
import { Client } from "@upstash/qstash";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startQStashStandIn, type QStashStandIn } from "../../e2e/stand-ins/qstash/server";
import { sdkFor } from "../../e2e/stand-ins/stripe/sdk";
import { startStripeStandIn, type StripeStandIn } from "../../e2e/stand-ins/stripe/server";
import { setupCatalog } from "../../src/server/billing/setup-catalog";
import { registerSchedules } from "../../src/server/jobs/schedules";
import { deployMigrations } from "../db/deploy";
import { databaseName, withDatabase } from "../db/paths";
import { createDatabase, dropDatabase, withClient } from "../db/server";
import type { PreflightConfig } from "./problems";
import { preflightPassed, runPreflight } from "./run-preflight";

const APP_URL = "https://billing.example.com";
const LIVE_KEY = "sk_live_vantflow_preflight";
const qstashKeys = { token: "qstash_preflight", currentSigningKey: "sig_preflight_current", nextSigningKey: "sig_preflight_next" };

let live: StripeStandIn;
let testModeCatalog: StripeStandIn;
let qstash: QStashStandIn;
let liveSdk: Stripe;
let correct: PreflightConfig;
let unmigratedUrl: string;
let migratedUrl: string;

/** An org of the migrated database linked to `customerId`. */
const linkOrg = (customerId: string) =>
  withClient(migratedUrl, (c) =>
    c.query(`INSERT INTO "Organization" (id, name, "stripeCustomerId", "updatedAt") VALUES ($1, 'Preflight org', $2, now())`, [`org_${customerId}`, customerId]),
  );

beforeAll(async () => {
  live = await startStripeStandIn({ secretKey: LIVE_KEY });
  liveSdk = sdkFor(live.url, LIVE_KEY);
  const prices = await setupCatalog(liveSdk);
  // An account whose catalogue was made in test mode, reached with a live key.
  testModeCatalog = await startStripeStandIn({ secretKey: LIVE_KEY, settings: { livemode: false } });
  // autoRun off: the every-minute schedules must not call the made-up APP_URL.
  qstash = await startQStashStandIn({ ...qstashKeys, autoRun: false });
  await registerSchedules(new Client({ token: qstashKeys.token, baseUrl: qstash.url }), APP_URL);
  const run = inject("databaseUrl");
  unmigratedUrl = withDatabase(run, `${databaseName(run)}_unmigrated`);
  await createDatabase(unmigratedUrl);
  migratedUrl = withDatabase(run, `${databaseName(run)}_preflight`);
  await deployMigrations(migratedUrl);
  await linkOrg((await liveSdk.customers.create({ email: "known@example.test" })).id);
  correct = {
    DATABASE_URL: migratedUrl,
    APP_URL,
    AUTH_SECRET: "preflight-auth-secret-preflight-auth-secret",
    REDIS_URL: "redis://127.0.0.1:6379",
    STRIPE_SECRET_KEY: LIVE_KEY,
    STRIPE_WEBHOOK_SECRET: "whsec_preflight",
    STRIPE_API_BASE: live.url,
    ...prices,
    QSTASH_URL: qstash.url,
    QSTASH_TOKEN: qstashKeys.token,
    QSTASH_CURRENT_SIGNING_KEY: qstashKeys.currentSigningKey,
    QSTASH_NEXT_SIGNING_KEY: qstashKeys.nextSigningKey,
    SENDGRID_API_KEY: "SG.preflight",
    SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY: "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE",
  };
});

afterAll(async () => {
  await Promise.all([live?.close(), testModeCatalog?.close(), qstash?.close()]);
  await Promise.all([unmigratedUrl, migratedUrl].filter(Boolean).map((url) => dropDatabase(url)));
});

/** The problems of a run, as "VARIABLE: message" lines. */
const problemsOf = async (config: PreflightConfig) => (await runPreflight(config)).flatMap((r) => r.problems.map((p) => `${p.variable}: ${p.message}`));

describe("npm run preflight", () => {
  it("passes a correct set-up: live key, live prices at the plan table's amounts, schedules at APP_URL, database migrated", async () => {
    expect(await problemsOf(correct)).toEqual([]);
    expect(preflightPassed(await runPreflight(correct))).toBe(true);
  });

  it("fails a live key with test-mode prices, naming each price variable", async () => {
    const testPrices = await setupCatalog(sdkFor(testModeCatalog.url, LIVE_KEY));
    const problems = await problemsOf({ ...correct, ...testPrices, STRIPE_API_BASE: testModeCatalog.url });
    expect(problems.filter((p) => p.startsWith("STRIPE_PRICE_"))).toHaveLength(4);
    for (const [variable, id] of Object.entries(testPrices)) expect(problems).toContain(`${variable}: ${id} is a test-mode price but STRIPE_SECRET_KEY is a live key`);
  });

  it("fails a price whose amount differs from the plan table, and one the account does not have", async () => {
    const cheaper = await liveSdk.prices.create({ product: "vantflow_pro", currency: "usd", unit_amount: 1900, recurring: { interval: "month" } });
    expect(await problemsOf({ ...correct, STRIPE_PRICE_PRO_MONTHLY: cheaper.id })).toEqual([
      `STRIPE_PRICE_PRO_MONTHLY: ${cheaper.id} is 1900 usd, the plan table says 2900 usd (pro per month)`,
    ]);
    expect(await problemsOf({ ...correct, STRIPE_PRICE_BUSINESS_YEARLY: "price_fromAnotherAccount" })).toEqual([
      "STRIPE_PRICE_BUSINESS_YEARLY: price_fromAnotherAccount does not exist in the account and mode of STRIPE_SECRET_KEY (run npm run stripe:setup)",
    ]);
  });

  it("fails a missing webhook secret", async () => {
    expect(await problemsOf({ ...correct, STRIPE_WEBHOOK_SECRET: "" })).toEqual(["STRIPE_WEBHOOK_SECRET: is not set (billing)"]);
  });

  it("fails an unmigrated database, and one that does not answer, naming DATABASE_URL", async () => {
    const [unmigrated] = await problemsOf({ ...correct, DATABASE_URL: unmigratedUrl });
    expect(unmigrated).toMatch(/^DATABASE_URL: the database has no migrations table \(not migrated\)/);
    const [absent] = await problemsOf({ ...correct, DATABASE_URL: withDatabase(unmigratedUrl, "vantflow_no_such_database") });
    expect(absent).toMatch(/^DATABASE_URL: PostgreSQL did not answer or refused/);
  });

  it("fails schedules missing at APP_URL: registered for another address, or not at all", async () => {
    const moved = await problemsOf({ ...correct, APP_URL: "https://new.example.com" });
    expect(moved).toHaveLength(4);
    expect(moved[0]).toBe("APP_URL: QStash schedule vantflow-billing-sync-daily calls https://billing.example.com/api/jobs/billing-sync, not https://new.example.com/api/jobs/billing-sync; run npm run jobs:schedule with this APP_URL");

    const empty = await startQStashStandIn({ ...qstashKeys, autoRun: false });
    try {
      const none = await problemsOf({ ...correct, QSTASH_URL: empty.url });
      expect(none).toHaveLength(4);
      expect(none.every((p) => p.startsWith("APP_URL: no QStash schedule"))).toBe(true);
    } finally {
      await empty.close();
    }
  });

  it("fails orgs linked to customers the account does not know (the stand-ins' after a move), naming the key and the resync", async () => {
    await linkOrg("cus_fromTheStandIns");
    try {
      expect(await problemsOf(correct)).toEqual([
        "STRIPE_SECRET_KEY: 1 of 2 linked Stripe customers checked do not exist in this account (another account's, or the stand-ins'); if the move is intended, run npm run billing:resync-customers: those orgs are unlinked and fall back to Free",
      ]);
    } finally {
      await withClient(migratedUrl, (c) => c.query(`DELETE FROM "Organization" WHERE "stripeCustomerId" = 'cus_fromTheStandIns'`));
    }
  });

  it("with a local scheduler (--jobs=cron), asks for no QStash variables or schedules", async () => {
    const { QSTASH_URL: _url, QSTASH_TOKEN: _token, QSTASH_CURRENT_SIGNING_KEY: _current, QSTASH_NEXT_SIGNING_KEY: _next, ...withoutQStash } = correct;
    expect(await problemsOf(withoutQStash)).toHaveLength(3);
    const results = await runPreflight(withoutQStash, { jobs: "cron" });
    expect(results.map((r) => r.name)).not.toContain("QStash schedules registered at APP_URL");
    expect(preflightPassed(results)).toBe(true);
  });

  it("names the key when Stripe refuses it, and QSTASH_TOKEN when QStash does", async () => {
    expect(await problemsOf({ ...correct, STRIPE_SECRET_KEY: "sk_live_revoked" })).toEqual([expect.stringMatching(/^STRIPE_SECRET_KEY: Stripe refused the key/)]);
    expect(await problemsOf({ ...correct, QSTASH_TOKEN: "wrong" })).toEqual([expect.stringMatching(/^QSTASH_TOKEN: QStash refused/)]);
  });
});
