import { z } from "zod";
import { env } from "~/env";
import { LIVE_STATUSES } from "~/server/billing/subscription-status";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { INTERVALS, PAID_PLAN_IDS, TRIAL_DAYS } from "~/server/billing/plans";
import { priceIdFor } from "~/server/billing/price-ids";
import { ensureStripeCustomer } from "~/server/billing/stripe-customer";
import { db } from "~/server/clients/db";
import { stripe } from "~/server/clients/stripe";
import { AppError } from "~/server/errors";
import type { Actor } from "~/server/orgs/memberships";

export const checkoutInput = z.object({ plan: z.enum(PAID_PLAN_IDS), interval: z.enum(INTERVALS) });

const billingUrl = (path: string) => new URL(path, env.APP_URL).toString();

/** Whether the org has had a trial: the sync records the first one with the subscription rows. */
async function hadTrial(organizationId: string) {
  const org = await db.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { trialUsedAt: true } });
  return org.trialUsedAt !== null;
}

/**
 * Hosted Checkout in subscription mode for a paid plan, with a 14-day trial unless the org has
 * had one. An org that already has a live subscription changes plan instead (CONFLICT).
 */
export async function createCheckoutSession(actor: Actor, input: z.infer<typeof checkoutInput>) {
  const live = await db.subscription.count({ where: { organizationId: actor.organizationId, status: { in: [...LIVE_STATUSES] } } });
  if (live) throw new AppError("CONFLICT", "This organization already has a subscription: change its plan instead.", { details: { reason: "already_subscribed" } });
  const price = priceIdFor(input.plan, input.interval);
  const customer = await ensureStripeCustomer(actor.organizationId);
  const trial = !(await hadTrial(actor.organizationId));
  // A checkout left open in another tab could otherwise start a second subscription: expire it.
  const open = await stripe().checkout.sessions.list({ customer, status: "open", limit: 100 });
  for (const old of open.data) if (old.mode === "subscription") await stripe().checkout.sessions.expire(old.id);
  const session = await stripe().checkout.sessions.create({
    mode: "subscription",
    customer,
    client_reference_id: actor.organizationId,
    line_items: [{ price, quantity: 1 }],
    subscription_data: {
      ...(trial ? { trial_period_days: TRIAL_DAYS } : {}),
      metadata: { organizationId: actor.organizationId, plan: input.plan },
    },
    metadata: { organizationId: actor.organizationId, plan: input.plan, interval: input.interval },
    success_url: billingUrl("/dashboard/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}"),
    cancel_url: billingUrl("/dashboard/billing/upgrade?checkout=canceled"),
  });
  if (!session.url) throw new AppError("INTERNAL", "Stripe returned a Checkout Session without a URL.");
  return { url: session.url, trial };
}

/** Adding a card: hosted Checkout in setup mode; on return the card becomes the default when there is none. */
export async function createSetupSession(actor: Actor) {
  const customer = await ensureStripeCustomer(actor.organizationId);
  const session = await stripe().checkout.sessions.create({
    mode: "setup",
    customer,
    currency: "usd",
    client_reference_id: actor.organizationId,
    metadata: { organizationId: actor.organizationId },
    success_url: billingUrl("/dashboard/billing/payment-methods?setup=success&session_id={CHECKOUT_SESSION_ID}"),
    cancel_url: billingUrl("/dashboard/billing/payment-methods?setup=canceled"),
  });
  if (!session.url) throw new AppError("INTERNAL", "Stripe returned a Checkout Session without a URL.");
  return { url: session.url };
}

/** A customer without a default card gets its newest one, so invoices have a card to charge. */
async function defaultToNewestCard(customerId: string) {
  const customer = await stripe().customers.retrieve(customerId);
  if (customer.deleted || customer.invoice_settings.default_payment_method) return;
  const [newest] = (await stripe().customers.listPaymentMethods(customerId, { limit: 1 })).data;
  if (newest) await stripe().customers.update(customerId, { invoice_settings: { default_payment_method: newest.id } });
}

/**
 * The return from Checkout: syncs at once from Stripe rather than waiting for the webhook. The
 * session must belong to the caller's org; anything else is NOT_FOUND.
 */
export async function completeCheckout(actor: Actor, sessionId: string) {
  const session = await stripe()
    .checkout.sessions.retrieve(sessionId)
    .catch((error: unknown) => {
      if ((error as { code?: string }).code === "resource_missing") throw new AppError("NOT_FOUND", "No such Checkout Session.");
      throw error;
    });
  if (session.client_reference_id !== actor.organizationId || !session.customer) throw new AppError("NOT_FOUND", "No such Checkout Session.");
  const customerId = typeof session.customer === "string" ? session.customer : session.customer.id;
  if (session.mode === "setup" && session.status === "complete") await defaultToNewestCard(customerId);
  await syncStripeCustomer(customerId);
  return { status: session.status, mode: session.mode };
}
