/**
 * Stripe's "now" for a customer or a subscription: its test clock's frozen time when it has one
 * (the stand-in gives every customer its own; a customer's subscriptions share its clock), else
 * the wall clock. Anything compared with Stripe's times (a proration date, "the trial ends within
 * 3 days") must use this, never `Date.now()` alone.
 */
import type Stripe from "stripe";
import { stripe } from "~/server/clients/stripe";

export type TestClockRef = Stripe.Subscription["test_clock"] | Stripe.Customer["test_clock"];

/** Unix seconds. */
export async function stripeNow(of: { test_clock?: TestClockRef } | undefined): Promise<number> {
  const clock = of?.test_clock;
  if (!clock) return Math.floor(Date.now() / 1000);
  return typeof clock === "string" ? (await stripe().testHelpers.testClocks.retrieve(clock)).frozen_time : clock.frozen_time;
}
