import { entitlementsOf } from "~/server/billing/entitlements";
import { PLANS, type Interval, type PlanId } from "~/server/billing/plans";
import { isCharging, isLive } from "~/server/billing/subscription-status";
import { trialEligibility } from "~/server/billing/trial-claims";
import { db } from "~/server/clients/db";
import type { Actor } from "~/server/orgs/memberships";
import { METERED_METRICS } from "~/server/usage/keys";
import { currentUsage } from "~/server/usage/read-usage";

const DAY_MS = 86_400_000;

/** What the billing dashboard shows: plan, status, trial days left, the next invoice, the default card, what is owed and the limits reached. */
export async function getBillingOverview(actor: Actor, now = new Date()) {
  const [subscriptions, org, eligibility, card, usage, owed] = await Promise.all([
    db.subscription.findMany({ where: { organizationId: actor.organizationId } }),
    db.organization.findUniqueOrThrow({
      where: { id: actor.organizationId },
      select: {
        stripeCustomerId: true,
        trialRefusedReason: true,
        subscriptionDriftAt: true,
        subscriptionDriftIds: true,
        lostStripeCustomerAt: true,
        lostStripeCustomerReason: true,
        stripeClockAt: true,
      },
    }),
    trialEligibility(actor.organizationId, actor.userId),
    db.paymentMethod.findFirst({
      where: { organizationId: actor.organizationId, isDefault: true },
      select: { brand: true, last4: true, expMonth: true, expYear: true },
    }),
    currentUsage(actor.organizationId, now),
    // The newest invoice still owed: what "Pay now" pays while the subscription is past_due.
    db.invoiceRecord.findFirst({
      where: { organizationId: actor.organizationId, status: "open", amountRemaining: { gt: 0 } },
      orderBy: { stripeCreatedAt: "desc" },
      select: { amountRemaining: true, currency: true, hostedInvoiceUrl: true },
    }),
  ]);
  // The rows are read once: the entitlements pick the subscription that speaks for the org.
  const entitlements = entitlementsOf(subscriptions, now);
  const sub = subscriptions.find((s) => s.stripeSubscriptionId === entitlements.subscription?.stripeSubscriptionId) ?? null;
  const live = sub && isLive(sub.status);
  // A trial ends on Stripe's clock: a test clock's frozen time (as of the last sync) when the customer has one.
  const stripeNow = org.stripeClockAt ?? now;
  const trialDaysLeft = sub?.status === "trialing" && sub.trialEnd ? Math.max(0, Math.ceil((sub.trialEnd.getTime() - stripeNow.getTime()) / DAY_MS)) : null;
  // A scheduled change bills the new plan's price at the period end (before tax and discounts).
  const pending = sub?.pendingPlan && sub.pendingInterval ? PLANS[sub.pendingPlan as PlanId]?.prices?.[sub.pendingInterval as Interval] : undefined;
  const nextInvoice =
    live && sub.currentPeriodEnd && !sub.cancelAtPeriodEnd && isCharging(sub.status)
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
    trialAvailable: eligibility.trial && !sub,
    /** Why Start Trial is not offered: the org or one of its owners already had a trial. */
    trialUnavailableReason: eligibility.reason,
    /** Why the last trial was ended at once: its owner or its card had already had one. */
    trialRefusedReason: org.trialRefusedReason,
    /** Stripe holds more than one live subscription for this org: every one of them bills. */
    drift: org.subscriptionDriftAt ? { since: org.subscriptionDriftAt, subscriptionIds: org.subscriptionDriftIds } : null,
    /** The Stripe customer was deleted or is unknown to Stripe: the org is back on Free. */
    lostCustomer: org.lostStripeCustomerAt && !org.stripeCustomerId ? { at: org.lostStripeCustomerAt, reason: org.lostStripeCustomerReason } : null,
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
          /** What one period costs as Stripe bills it (integer minor units, before tax and discounts). */
          price: { amount: (sub.unitAmount ?? 0) * sub.quantity, currency: sub.currency },
          /** When the convergent sync last wrote this row from Stripe. */
          lastSyncedAt: sub.lastSyncedAt,
        }
      : null,
    nextInvoice,
    /** While past_due: what is owed, where to pay it, and when the paid limits stop. */
    pastDue:
      entitlements.status === "past_due" && owed
        ? { amountDue: owed.amountRemaining, currency: owed.currency, payUrl: owed.hostedInvoiceUrl, graceEndsAt: entitlements.graceEndsAt }
        : null,
    /**
     * Counted metrics worth a banner: over their limit (after a downgrade), or projects at it (the
     * next one is refused with 402). Seats at their limit are not: every solo Free org uses its
     * one seat, and the invite form says so when it matters. The monthly quotas have their own
     * banner, from 80 %, in the usage section.
     */
    overLimits: usage
      .filter(
        (line) =>
          !(METERED_METRICS as readonly string[]).includes(line.metric) &&
          line.limit !== null &&
          (line.current > line.limit || (line.metric === "projects" && line.current === line.limit)),
      )
      .map(({ metric, current, limit }) => ({ metric, current, limit: limit! })),
    defaultCard: card,
    hasCustomer: Boolean(org.stripeCustomerId),
  };
}
