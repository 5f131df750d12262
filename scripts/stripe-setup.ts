/**
 * `npm run stripe:setup`: creates VantFlow's products and prices in the Stripe account of
 * STRIPE_SECRET_KEY (test mode, or the local stand-in when STRIPE_API_BASE is set), idempotently
 * by lookup key, and prints the env lines to paste into .env.
 */
import "dotenv/config";
import Stripe from "stripe";
import { stripeConnection } from "../src/server/clients/stripe-connection";
import { setupCatalog } from "../src/server/billing/setup-catalog";

const key = process.env.STRIPE_SECRET_KEY;
if (!key) {
  console.error("Set STRIPE_SECRET_KEY (a test-mode key, sk_test_…) first.");
  process.exit(1);
}
const stripe = new Stripe(key, stripeConnection(process.env.STRIPE_API_BASE || undefined));
const lines = await setupCatalog(stripe);
console.log("# Paste into .env:");
for (const [name, value] of Object.entries(lines)) console.log(`${name}=${value}`);
