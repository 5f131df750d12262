import Stripe from "stripe";
import { env } from "~/env";
import { stripeConnection } from "~/server/clients/stripe-connection";
import { inDatabaseTransaction } from "~/server/clients/transaction-scope";
import { AppError } from "~/server/errors";
import { logger } from "~/server/logger";

let client: Stripe | undefined;

/**
 * The SDK's HTTP client, refusing requests made inside an interactive database transaction:
 * such a call holds the transaction's connection and row locks for as long as Stripe takes (up to
 * the timeout × the retries). Outside production it fails the call, so a test of the path fails;
 * in production it only logs, so a path that slipped through keeps working while it is fixed.
 */
function guardedHttpClient(): Stripe.HttpClient {
  const base = Stripe.createNodeHttpClient();
  const guarded = Object.create(base) as Stripe.HttpClient;
  guarded.makeRequest = (...args: Parameters<Stripe.HttpClient["makeRequest"]>) => {
    if (inDatabaseTransaction()) {
      // The path without its query: a GET's query can carry customer data (an email filter).
      const [, , fullPath, method] = args;
      const path = fullPath.split("?")[0];
      logger.error("stripe: API call inside a database transaction", { method, path });
      if (env.NODE_ENV !== "production") return Promise.reject(new Error(`Stripe ${method} ${path} called inside a database transaction`));
    }
    return base.makeRequest(...args);
  };
  return guarded;
}

/**
 * The one Stripe client. `STRIPE_API_BASE` (e.g. http://127.0.0.1:12111) is the only switch
 * between Stripe and the local stand-in; the SDK and every call are the same either way.
 */
export function stripe(): Stripe {
  if (!env.STRIPE_SECRET_KEY) throw new AppError("UNAVAILABLE", "Billing is not configured: STRIPE_SECRET_KEY is not set.");
  client ??= new Stripe(env.STRIPE_SECRET_KEY, {
    ...stripeConnection(env.STRIPE_API_BASE),
    appInfo: { name: "VantFlow Billing" },
    // Bounded: one call waits at most about (1 + retries) × timeout for a Stripe that does not answer,
    // instead of the SDK's 80 s per attempt; the retries reuse the call's idempotency key.
    timeout: env.STRIPE_TIMEOUT_MS,
    maxNetworkRetries: env.STRIPE_MAX_NETWORK_RETRIES,
    httpClient: guardedHttpClient(),
    typescript: true,
  });
  return client;
}
