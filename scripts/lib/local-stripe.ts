/**
 * The Stripe stand-in as the app sees it when no STRIPE_SECRET_KEY is configured: started on a
 * port, seeded with the plan catalogue, and delivering signed webhooks to the app's route. Returns
 * the env lines that point the app at it (the only switch is STRIPE_API_BASE). Seeding finds the
 * catalogue of a restored state and changes nothing, so the price ids stay the same.
 */
import Stripe from "stripe";
import { startStripeStandIn, type StripeStandIn } from "../../e2e/stand-ins/stripe/server";
import type { StandInSettings } from "../../e2e/stand-ins/stripe/store";
import { stripeConnection } from "../../src/server/clients/stripe-connection";
import { setupCatalog } from "../../src/server/billing/setup-catalog";

export const LOCAL_STRIPE_SECRET = "sk_test_vantflow_local_stand_in";
export const LOCAL_WEBHOOK_SECRET = "whsec_vantflow_local_stand_in";

/** `statePath`: where its state outlives a restart (npm run dev); without it, memory only (e2e). */
export async function startLocalStripe(opts: { appUrl: string; port: number; settings?: Partial<StandInSettings>; statePath?: string }) {
  const standIn: StripeStandIn = await startStripeStandIn({
    secretKey: LOCAL_STRIPE_SECRET,
    port: opts.port,
    settings: opts.settings,
    statePath: opts.statePath,
    webhooks: [{ url: new URL("/api/billing/webhooks/stripe", opts.appUrl).toString(), secret: LOCAL_WEBHOOK_SECRET }],
  });
  const prices = await setupCatalog(new Stripe(LOCAL_STRIPE_SECRET, stripeConnection(standIn.url)));
  return {
    standIn,
    env: { STRIPE_SECRET_KEY: LOCAL_STRIPE_SECRET, STRIPE_WEBHOOK_SECRET: LOCAL_WEBHOOK_SECRET, STRIPE_API_BASE: standIn.url, ...prices },
  };
}
