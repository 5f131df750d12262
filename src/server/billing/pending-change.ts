/**
 * A subscription's pending plan change, read from its subscription schedule: the plan a
 * downgrade moves it to at the period end.
 */
import type Stripe from "stripe";
import { planForPrice } from "~/server/billing/price-ids";
import { idOf } from "~/server/billing/stripe-values";

export type PendingChange = { pendingPlan: string | null; pendingInterval: string | null };
const NO_PENDING_CHANGE: PendingChange = { pendingPlan: null, pendingInterval: null };

/**
 * The plan the subscription's schedule moves it to next: the first phase after the current one
 * whose price differs from the subscription's. Nothing once the schedule is released, canceled
 * or completed, or when no later phase changes the price.
 */
export async function pendingChange(client: Stripe, sub: Stripe.Subscription): Promise<PendingChange> {
  if (!sub.schedule) return NO_PENDING_CHANGE;
  const schedule = typeof sub.schedule === "string" ? await client.subscriptionSchedules.retrieve(sub.schedule) : sub.schedule;
  if (schedule.status !== "active" && schedule.status !== "not_started") return NO_PENDING_CHANGE;
  const currentPrice = sub.items.data[0]?.price.id;
  const after = schedule.current_phase?.end_date ?? 0;
  const next = schedule.phases
    .filter((phase) => phase.start_date >= after)
    .map((phase) => phase.items[0]?.price)
    .find((price) => price && idOf(price) !== currentPrice);
  if (!next) return NO_PENDING_CHANGE;
  // A phase names its price by id; the lookup key needs the price itself.
  const price = typeof next === "string" ? (planForPrice({ id: next }) ? { id: next } : await client.prices.retrieve(next)) : next;
  const known = planForPrice(price);
  const interval = known?.interval ?? ("recurring" in price ? (price.recurring?.interval ?? null) : null);
  return { pendingPlan: known?.plan ?? "unknown", pendingInterval: interval };
}

