/**
 * A PostgreSQL database and a Stripe stand-in of one test file's own, for tests that reconcile
 * the whole Stripe account or count the calls made to it: the run's shared ones hold other
 * files' orgs, customers and calls. Start it inside `vi.hoisted`, before any module reads
 * ~/env: it points DATABASE_URL, STRIPE_SECRET_KEY, STRIPE_API_BASE and the price ids at its own.
 */
import { afterAll } from "vitest";
import { sdkFor } from "../../e2e/stand-ins/stripe/sdk";
import { startStripeStandIn } from "../../e2e/stand-ins/stripe/server";
import { deployMigrations } from "../../scripts/db/deploy";
import { withDatabase } from "../../scripts/db/paths";
import { dropDatabase } from "../../scripts/db/server";
import { setupCatalog } from "~/server/billing/setup-catalog";

export async function startIsolatedBilling(name: string) {
  const admin = process.env.TEST_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const databaseUrl = withDatabase(admin, `vantflow_test_${name}_${Date.now()}_${process.pid}`);
  await deployMigrations(databaseUrl, { log: () => {} });
  const secretKey = `sk_test_vantflow_${name}`;
  const standIn = await startStripeStandIn({ secretKey, settings: { clockPerCustomer: true } });
  const sdk = sdkFor(standIn.url, secretKey);
  const prices = await setupCatalog(sdk);
  Object.assign(process.env, prices, { DATABASE_URL: databaseUrl, STRIPE_SECRET_KEY: secretKey, STRIPE_API_BASE: standIn.url });
  afterAll(async () => {
    await standIn.close();
    if (!process.env.KEEP_TEST_DB) await dropDatabase(databaseUrl);
  });
  return { sdk, standIn, prices, databaseUrl };
}
