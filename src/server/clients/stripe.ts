import Stripe from "stripe";
import { env } from "~/env";
import { stripeConnection } from "~/server/clients/stripe-connection";
import { AppError } from "~/server/errors";

let client: Stripe | undefined;

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
    typescript: true,
  });
  return client;
}
