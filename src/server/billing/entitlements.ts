/**
 * What an org may use now: its plan, the subscription status behind it and the plan's limits.
 * Everything that enforces a limit asks `getEntitlements`; the rules are in `entitlementsOf`.
 */
import { env } from "~/env";
import { PLANS, type Limits, type PlanId } from "~/server/billing/plans";
import { db } from "~/server/clients/db";

const DAY_MS = 86_400_000;

export interface SubscriptionFacts {
  stripeSubscriptionId: string;
  status: string;
  plan: string;
  interval: string | null;
  trialEnd: Date | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  pastDueSince: Date | null;
  stripeCreatedAt: Date | null;
}

export interface Entitlements {
  /** The plan whose limits apply now. */
  plan: PlanId;
  limits: Limits;
  /** "none" when the org has never subscribed or its subscriptions have all ended. */
  status: string;
  /** The plan the org pays for, even when its limits no longer apply (past grace, unpaid). */
  subscribedPlan: PlanId | null;
  /** While past_due: when the paid limits stop applying. */
  graceEndsAt: Date | null;
  subscription: SubscriptionFacts | null;
}

// Which subscription speaks for an org that has several: the most useful to it first.
const PRIORITY = ["active", "trialing", "past_due", "unpaid", "paused", "incomplete", "incomplete_expired", "canceled"];
const rank = (status: string) => {
  const i = PRIORITY.indexOf(status);
  return i < 0 ? PRIORITY.length : i;
};

const isPlan = (plan: string): plan is PlanId => plan in PLANS;

/**
 * The rules: trialing and active → the plan's limits; past_due → the plan's limits until the
 * grace period after the unpaid invoice ends, then free; canceled, unpaid, paused, incomplete,
 * incomplete_expired → free.
 */
export function entitlementsOf(subscriptions: SubscriptionFacts[], now: Date, graceDays = env.BILLING_GRACE_DAYS): Entitlements {
  const current = [...subscriptions].sort(
    (a, b) => rank(a.status) - rank(b.status) || (b.stripeCreatedAt?.getTime() ?? 0) - (a.stripeCreatedAt?.getTime() ?? 0),
  )[0];
  const free = (status: string, graceEndsAt: Date | null = null): Entitlements => ({
    plan: "free",
    limits: PLANS.free.limits,
    status,
    subscribedPlan: current && isPlan(current.plan) && current.status !== "canceled" ? current.plan : null,
    graceEndsAt,
    subscription: current ?? null,
  });
  if (!current) return free("none");
  if (!isPlan(current.plan)) return free(current.status);
  const paid = (graceEndsAt: Date | null = null): Entitlements => ({
    plan: current.plan as PlanId,
    limits: PLANS[current.plan as PlanId].limits,
    status: current.status,
    subscribedPlan: current.plan as PlanId,
    graceEndsAt,
    subscription: current,
  });
  if (current.status === "active" || current.status === "trialing") return paid();
  if (current.status === "past_due") {
    const since = current.pastDueSince ?? now;
    const graceEndsAt = new Date(since.getTime() + graceDays * DAY_MS);
    return now < graceEndsAt ? paid(graceEndsAt) : free("past_due", graceEndsAt);
  }
  return free(current.status);
}

/** The columns of a Subscription row the rules read. */
export const SUBSCRIPTION_FACTS = {
  stripeSubscriptionId: true,
  status: true,
  plan: true,
  interval: true,
  trialEnd: true,
  currentPeriodEnd: true,
  cancelAtPeriodEnd: true,
  pastDueSince: true,
  stripeCreatedAt: true,
} as const satisfies Record<keyof SubscriptionFacts, true>;

export async function getEntitlements(organizationId: string, now = new Date()): Promise<Entitlements> {
  const subscriptions = await db.subscription.findMany({
    where: { organizationId },
    select: SUBSCRIPTION_FACTS,
  });
  return entitlementsOf(subscriptions, now);
}
