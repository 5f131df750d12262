/**
 * A Stripe stand-in of the test file's own, for tests that count the app's Stripe calls (its
 * request log) or slow Stripe down: the run's shared stand-in serves every test file at once.
 * It points the app at itself, so it must run before ~/env is first imported:
 * `const own = await vi.hoisted(async () => (await import("~/test/private-stripe")).startPrivateStripe({ debounceMs }));`
 */
import { sdkFor } from "../../e2e/stand-ins/stripe/sdk";
import { startStripeStandIn } from "../../e2e/stand-ins/stripe/server";
import { setupCatalog } from "../server/billing/setup-catalog";

export async function startPrivateStripe(opts: { debounceMs?: number } = {}) {
  // The file's webhook debounce (BILLING_EVENT_DEBOUNCE_MS), set here since ~/env is read once.
  if (opts.debounceMs !== undefined) process.env.BILLING_EVENT_DEBOUNCE_MS = String(opts.debounceMs);
  const secretKey = "sk_test_vantflow_private";
  const standIn = await startStripeStandIn({ secretKey, settings: { clockPerCustomer: true } });
  const sdk = sdkFor(standIn.url, secretKey);
  const prices = await setupCatalog(sdk);
  Object.assign(process.env, prices, { STRIPE_SECRET_KEY: secretKey, STRIPE_API_BASE: standIn.url });
  return { standIn, sdk, prices, secretKey };
}
