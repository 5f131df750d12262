import { env } from "~/env";
import { INTERVALS, PAID_PLAN_IDS, PLANS, PRICE_ENV, type Interval, type PaidPlanId } from "~/server/billing/plans";
import { AppError } from "~/server/errors";

/** The configured Stripe price id of a paid plan and interval; UNAVAILABLE when it is not set. */
export function priceIdFor(plan: PaidPlanId, interval: Interval): string {
  const id = env[PRICE_ENV[plan][interval]];
  if (!id) throw new AppError("UNAVAILABLE", `Billing is not configured: ${PRICE_ENV[plan][interval]} is not set (run npm run stripe:setup).`);
  return id;
}

/** Which plan and interval a Stripe price is, by id or lookup key; null for a price the app does not sell. */
export function planForPrice(price: { id: string; lookup_key?: string | null }): { plan: PaidPlanId; interval: Interval } | null {
  for (const plan of PAID_PLAN_IDS) {
    for (const interval of INTERVALS) {
      if (env[PRICE_ENV[plan][interval]] === price.id || PLANS[plan].lookupKeys?.[interval] === price.lookup_key) return { plan, interval };
    }
  }
  return null;
}
