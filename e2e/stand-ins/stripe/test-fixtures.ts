import type Stripe from "stripe";
import { afterAll, beforeAll } from "vitest";
import { sdkFor } from "./sdk";
import fixtureFile from "./fixtures/fixtures3.json";
import { startStripeStandIn, type StripeStandIn } from "./server";

// Stripe's own example objects, vendored with their MIT notice (fixtures/README.md).
const fixtures = fixtureFile as { resources: Record<string, Record<string, unknown>> };

/** The top-level field names of Stripe's fixture of `type`. */
export function fixtureKeys(type: string) {
  const fixture = fixtures.resources[type];
  if (!fixture) throw new Error(`No fixture for ${type}`);
  return Object.keys(fixture).sort();
}

/** One stand-in for a test file, started before its tests and closed after them. */
export function withStripeStandIn(secretKey: string, settings?: Parameters<typeof startStripeStandIn>[0]["settings"]) {
  const ctx = {} as { standIn: StripeStandIn; stripe: Stripe };
  beforeAll(async () => {
    ctx.standIn = await startStripeStandIn({ secretKey, settings });
    ctx.stripe = sdkFor(ctx.standIn.url, secretKey);
  });
  afterAll(() => ctx.standIn.close());
  return ctx;
}

/** Pro ($29/month, $290/year) and Business ($149/month) prices, created before a file's tests. */
export function withPlanPrices(ctx: { stripe: Stripe }) {
  const prices = {} as Record<"proMonthly" | "proYearly" | "businessMonthly", Stripe.Price>;
  beforeAll(async () => {
    const pro = await ctx.stripe.products.create({ name: "Pro" });
    const business = await ctx.stripe.products.create({ name: "Business" });
    prices.proMonthly = await ctx.stripe.prices.create({ product: pro.id, currency: "usd", unit_amount: 2900, recurring: { interval: "month" } });
    prices.proYearly = await ctx.stripe.prices.create({ product: pro.id, currency: "usd", unit_amount: 29000, recurring: { interval: "year" } });
    prices.businessMonthly = await ctx.stripe.prices.create({ product: business.id, currency: "usd", unit_amount: 14900, recurring: { interval: "month" } });
  });
  return prices;
}
