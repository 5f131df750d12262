/**
 * Which organization a Stripe customer belongs to, and the end of that link. An org is linked to
 * one customer at a time: by the id stored when the app created the customer, or, for events that
 * beat that write, by the `organizationId` the app put in the customer's metadata. A customer
 * Stripe deleted, or no longer knows (keys of another account, a stand-in restarted empty), is
 * unlinked: the org falls back to Free and its next checkout creates a new customer.
 */
import type Stripe from "stripe";
import { enqueueBackOnFree } from "~/server/billing/billing-notifications";
import { isLive } from "~/server/billing/subscription-status";
import { db } from "~/server/clients/db";
import { logger } from "~/server/logger";
import { forgetLimits } from "~/server/usage/limits";

export type LostReason = "deleted" | "missing";

/**
 * The org of a live customer, or null when it belongs to none of ours. Linking by metadata is one
 * conditional write; a loser of a race re-reads the link the winner wrote, so concurrent first
 * events all find the org (a race never makes an event look foreign). A customer the org has lost
 * is never linked again.
 */
export async function organizationFor(customer: Stripe.Customer): Promise<string | null> {
  const known = await db.organization.findUnique({ where: { stripeCustomerId: customer.id }, select: { id: true } });
  if (known) return known.id;
  const claimed = customer.metadata.organizationId;
  if (!claimed) return null;
  const linked = await db.organization.updateMany({
    where: { id: claimed, stripeCustomerId: null, OR: [{ lostStripeCustomerId: null }, { lostStripeCustomerId: { not: customer.id } }] },
    data: { stripeCustomerId: customer.id },
  });
  if (linked.count) return claimed;
  const winner = await db.organization.findUnique({ where: { id: claimed }, select: { stripeCustomerId: true } });
  return winner?.stripeCustomerId === customer.id ? claimed : null;
}

/**
 * Unlinks a customer Stripe deleted or does not know, records which and when, and drops the rows
 * mirrored from it (subscriptions, cards; invoices stay as history). Its live subscriptions end
 * with it, so "back on Free" is enqueued for them in the same transaction. Returns the org, or
 * null when no org holds this customer any more.
 */
export async function unlinkLostCustomer(customerId: string, reason: LostReason, now = new Date()): Promise<string | null> {
  const organizationId = await db.$transaction(async (tx) => {
    const org = await tx.organization.findUnique({ where: { stripeCustomerId: customerId }, select: { id: true } });
    if (!org) return null;
    await tx.organization.update({
      where: { id: org.id },
      data: {
        stripeCustomerId: null,
        lostStripeCustomerId: customerId,
        lostStripeCustomerAt: now,
        lostStripeCustomerReason: reason,
        subscriptionDriftAt: null,
        subscriptionDriftIds: [],
      },
    });
    const subscriptions = await tx.subscription.findMany({ where: { organizationId: org.id }, select: { stripeSubscriptionId: true, plan: true, status: true } });
    await enqueueBackOnFree(tx, org.id, subscriptions.filter((s) => isLive(s.status) && s.status !== "incomplete"));
    await tx.subscription.deleteMany({ where: { organizationId: org.id } });
    await tx.paymentMethod.deleteMany({ where: { organizationId: org.id } });
    return org.id;
  });
  if (organizationId) await forgetLimits(organizationId);
  if (organizationId) logger.warn("billing: Stripe customer lost; organization unlinked and back on Free", { organizationId, customerId, reason });
  return organizationId;
}
