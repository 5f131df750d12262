import { getEntitlements } from "~/server/billing/entitlements";
import { PLANS, type Interval, type PlanId } from "~/server/billing/plans";
import { db } from "~/server/clients/db";
import type { Actor } from "~/server/orgs/memberships";

const DAY_MS = 86_400_000;

/** What the billing dashboard shows: plan, status, trial days left, the next invoice, the default card. */
export async function getBillingOverview(actor: Actor, now = new Date()) {
  const [entitlements, org, card] = await Promise.all([
    getEntitlements(actor.organizationId, now),
    db.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { trialUsedAt: true, stripeCustomerId: true } }),
    db.paymentMethod.findFirst({
      where: { organizationId: actor.organizationId, isDefault: true },
      select: { brand: true, last4: true, expMonth: true, expYear: true },
    }),
  ]);
  const sub = entitlements.subscription
    ? await db.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: entitlements.subscription.stripeSubscriptionId } })
    : null;
  const live = sub && !["canceled", "incomplete_expired"].includes(sub.status);
  const trialDaysLeft = sub?.status === "trialing" && sub.trialEnd ? Math.max(0, Math.ceil((sub.trialEnd.getTime() - now.getTime()) / DAY_MS)) : null;
  // A scheduled change bills the new plan's price at the period end (before tax and discounts).
  const pending = sub?.pendingPlan && sub.pendingInterval ? PLANS[sub.pendingPlan as PlanId]?.prices?.[sub.pendingInterval as Interval] : undefined;
  const nextInvoice =
    live && sub.currentPeriodEnd && !sub.cancelAtPeriodEnd && ["trialing", "active", "past_due"].includes(sub.status)
      ? { date: sub.currentPeriodEnd, amount: (pending ?? sub.unitAmount ?? 0) * sub.quantity, currency: sub.currency }
      : null;
  return {
    plan: entitlements.plan,
    planName: PLANS[entitlements.plan].name,
    limits: entitlements.limits,
    status: entitlements.status,
    subscribedPlan: entitlements.subscribedPlan,
    subscribedPlanName: entitlements.subscribedPlan ? PLANS[entitlements.subscribedPlan].name : null,
    graceEndsAt: entitlements.graceEndsAt,
    trialDaysLeft,
    trialAvailable: !org.trialUsedAt && !sub,
    subscription: live
      ? {
          id: sub.stripeSubscriptionId,
          plan: sub.plan,
          interval: sub.interval,
          status: sub.status,
          currentPeriodEnd: sub.currentPeriodEnd,
          trialEnd: sub.trialEnd,
          cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
          pendingPlan: sub.pendingPlan,
          pendingInterval: sub.pendingInterval,
        }
      : null,
    nextInvoice,
    defaultCard: card,
    hasCustomer: Boolean(org.stripeCustomerId),
  };
}
