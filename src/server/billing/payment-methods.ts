import { z } from "zod";
import { withBillingLock } from "~/server/billing/billing-lock";
import { CHARGING_STATUSES } from "~/server/billing/subscription-status";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { stripe } from "~/server/clients/stripe";
import { AppError } from "~/server/errors";
import type { Actor } from "~/server/orgs/memberships";
import { idInput } from "~/server/validation";

export const paymentMethodInput = z.object({ paymentMethodId: idInput("Payment method id") });


export function listPaymentMethods(actor: Actor) {
  return db.paymentMethod.findMany({
    where: { organizationId: actor.organizationId },
    orderBy: [{ isDefault: "desc" }, { stripeCreatedAt: "desc" }],
    select: { stripePaymentMethodId: true, type: true, brand: true, last4: true, expMonth: true, expYear: true, isDefault: true },
  });
}

/** The caller's org's card, or NOT_FOUND: another org's card id is indistinguishable from none. */
async function ownCard(actor: Actor, paymentMethodId: string) {
  const card = await db.paymentMethod.findFirst({
    where: { organizationId: actor.organizationId, stripePaymentMethodId: paymentMethodId },
    select: { stripeCustomerId: true, isDefault: true },
  });
  if (!card) throw new AppError("NOT_FOUND", "No such payment method.");
  return card;
}

async function makeDefault(actor: Actor, customerId: string, paymentMethodId: string) {
  const client = stripe();
  await client.customers.update(customerId, { invoice_settings: { default_payment_method: paymentMethodId } });
  const live = await db.subscription.findMany({
    where: { organizationId: actor.organizationId, stripeCustomerId: customerId, status: { in: [...CHARGING_STATUSES] } },
    select: { stripeSubscriptionId: true },
  });
  for (const sub of live) await client.subscriptions.update(sub.stripeSubscriptionId, { default_payment_method: paymentMethodId });
}

/** Makes a card the default for future invoices: on the customer and on every live subscription. */
export function setDefaultPaymentMethod(actor: Actor, paymentMethodId: string) {
  return withBillingLock(actor.organizationId, async () => {
    const card = await ownCard(actor, paymentMethodId);
    await makeDefault(actor, card.stripeCustomerId, paymentMethodId);
    await syncStripeCustomer(card.stripeCustomerId);
    return listPaymentMethods(actor);
  });
}

/**
 * Detaches a card. The last one is refused while a paid subscription would need to charge it;
 * removing the default first moves the default (customer and subscriptions) to the newest other
 * card, so a renewal never finds no card.
 */
export function removePaymentMethod(actor: Actor, paymentMethodId: string) {
  return withBillingLock(actor.organizationId, async () => {
    const card = await ownCard(actor, paymentMethodId);
    const [others, charging] = await Promise.all([
      db.paymentMethod.findMany({
        where: { organizationId: actor.organizationId, stripePaymentMethodId: { not: paymentMethodId } },
        orderBy: { stripeCreatedAt: "desc" },
        select: { stripePaymentMethodId: true },
      }),
      db.subscription.count({ where: { organizationId: actor.organizationId, status: { in: [...CHARGING_STATUSES] } } }),
    ]);
    if (!others.length && charging > 0) {
      throw new AppError("CONFLICT", "This is the last card of an active subscription: add another card before removing it.", {
        details: { reason: "last_payment_method" },
      });
    }
    if (card.isDefault && others[0]) await makeDefault(actor, card.stripeCustomerId, others[0].stripePaymentMethodId);
    await stripe().paymentMethods.detach(paymentMethodId);
    await syncStripeCustomer(card.stripeCustomerId);
    return listPaymentMethods(actor);
  });
}
