import type { TestProject } from "vitest/node";
import { startGeminiStandIn } from "../../e2e/stand-ins/gemini/server";
import { startQStashStandIn } from "../../e2e/stand-ins/qstash/server";
import { sdkFor } from "../../e2e/stand-ins/stripe/sdk";
import { startStripeStandIn } from "../../e2e/stand-ins/stripe/server";
import { setupCatalog } from "../server/billing/setup-catalog";
import { deployMigrations } from "../../scripts/db/deploy";
import { withDatabase } from "../../scripts/db/paths";
import { dropDatabase } from "../../scripts/db/server";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    stripe: { apiBase: string; secretKey: string; webhookSecret: string; prices: Record<string, string> };
    qstash: { url: string; token: string; currentSigningKey: string; nextSigningKey: string };
    gemini: { url: string; apiKey: string };
  }
}

/**
 * Integration tests run against a PostgreSQL database created fresh for the run, with the
 * committed migrations applied, and dropped afterwards. The server is TEST_DATABASE_ADMIN_URL's
 * (the test command points it at the machine's PostgreSQL or an embedded one).
 */
export default async function setup(project: TestProject) {
  const admin = process.env.TEST_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const name = `vantflow_test_${Date.now()}_${process.pid}`;
  const url = withDatabase(admin, name);
  await deployMigrations(url); // creates the database, then migrates it
  project.provide("databaseUrl", url);

  // One Stripe stand-in for the run, with the plan catalogue; every customer gets its own test
  // clock so a test can move time for customers that the app creates. Tests reach it only
  // through the official SDK. It has no webhook endpoint: tests sign and deliver events themselves.
  const secretKey = "sk_test_vantflow_integration";
  const standIn = await startStripeStandIn({ secretKey, settings: { clockPerCustomer: true } });
  const prices = await setupCatalog(sdkFor(standIn.url, secretKey));
  project.provide("stripe", { apiBase: standIn.url, secretKey, webhookSecret: "whsec_vantflow_integration", prices });

  // One QStash stand-in for the run: jobs enqueue through it and tests read its deliveries via the SDK.
  const qstashKeys = { token: "qstash_integration", currentSigningKey: "sig_integration_current", nextSigningKey: "sig_integration_next" };
  const qstash = await startQStashStandIn({ ...qstashKeys, retryBaseMs: 1 });
  project.provide("qstash", { url: qstash.url, ...qstashKeys });

  // One Gemini stand-in for the run: the app's SDK client talks to it; tests inject failures over
  // its HTTP control route (POST /__stand-in/mode), since it lives in this process, not the workers.
  const geminiKey = "gemini_integration";
  const gemini = await startGeminiStandIn({ apiKey: geminiKey });
  project.provide("gemini", { url: gemini.url, apiKey: geminiKey });
  return async () => {
    await gemini.close();
    await qstash.close();
    await standIn.close();
    if (!process.env.KEEP_TEST_DB) await dropDatabase(url);
  };
}
