/**
 * Stripe's "now" for a subscription: its test clock's frozen time when it has one (the stand-in
 * gives every customer its own), else the wall clock. Anything compared with Stripe's times
 * (a proration date, "the trial ends within 3 days") must use this, never `Date.now()` alone.
 */
import type Stripe from "stripe";
import { stripe } from "~/server/clients/stripe";

/** Unix seconds. */
export async function stripeNow(sub: Pick<Stripe.Subscription, "test_clock"> | undefined): Promise<number> {
  const clock = sub?.test_clock;
  if (!clock) return Math.floor(Date.now() / 1000);
  return typeof clock === "string" ? (await stripe().testHelpers.testClocks.retrieve(clock)).frozen_time : clock.frozen_time;
}
