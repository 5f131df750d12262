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
    maxNetworkRetries: 2,
    typescript: true,
  });
  return client;
}
