import { createHash } from "node:crypto";
import type Stripe from "stripe";
import { z } from "zod";
import { env } from "~/env";
import { withBillingLock } from "~/server/billing/billing-lock";
import { isLive } from "~/server/billing/subscription-status";
import { trialEligibility } from "~/server/billing/trial-claims";
import { throttleStripeSync } from "~/server/billing/stripe-sync-throttle";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { INTERVALS, PAID_PLAN_IDS, TRIAL_DAYS } from "~/server/billing/plans";
import { priceIdFor } from "~/server/billing/price-ids";
import { ensureStripeCustomer } from "~/server/billing/stripe-customer";
import { stripe } from "~/server/clients/stripe";
import { AppError } from "~/server/errors";
import type { Actor } from "~/server/orgs/memberships";

export const checkoutInput = z.object({ plan: z.enum(PAID_PLAN_IDS), interval: z.enum(INTERVALS) });

const billingUrl = (path: string) => new URL(path, env.APP_URL).toString();

/**
 * A live subscription at Stripe (not only in our rows, which lag behind a held or late webhook)
 * means the org changes plan instead of checking out again; the rows are brought up to date first.
 */
async function refuseWhenSubscribed(customer: string) {
  const subscriptions = await stripe().subscriptions.list({ customer, status: "all", limit: 100 });
  if (!subscriptions.data.some((s) => isLive(s.status))) return;
  await syncStripeCustomer(customer);
  throw new AppError("CONFLICT", "This organization already has a subscription: change its plan instead.", { details: { reason: "already_subscribed" } });
}

/**
 * Expires the subscription-mode sessions left open (another tab, an earlier click), so only the
 * one about to be created can start a subscription. Returns the newest session id seen.
 */
async function expireOpenSessions(customer: string) {
  const recent = await stripe().checkout.sessions.list({ customer, limit: 100 });
  for (const old of recent.data) if (old.mode === "subscription" && old.status === "open") await stripe().checkout.sessions.expire(old.id);
  return recent.data[0]?.id ?? "none";
}

/**
 * Hosted Checkout in subscription mode for a paid plan, with a 14-day trial when neither the org
 * nor its owners had one. One step under the org's billing lock: a concurrent start is refused
 * (409), Stripe is asked whether the customer already has a live subscription, and sessions left
 * open are expired, so at most one session can ever be paid. The idempotency key covers the
 * request and the newest session it follows, so a retry of this request replays it while the
 * next click makes a new one.
 */
export async function createCheckoutSession(actor: Actor, input: z.infer<typeof checkoutInput>) {
  const price = priceIdFor(input.plan, input.interval);
  return withBillingLock(actor.organizationId, async () => {
    const customer = await ensureStripeCustomer(actor.organizationId);
    await refuseWhenSubscribed(customer);
    const { trial, reason } = await trialEligibility(actor.organizationId, actor.userId);
    const after = await expireOpenSessions(customer);
    const metadata = { organizationId: actor.organizationId, plan: input.plan };
    const params: Stripe.Checkout.SessionCreateParams = {
      mode: "subscription",
      customer,
      client_reference_id: actor.organizationId,
      line_items: [{ price, quantity: 1 }],
      subscription_data: { ...(trial ? { trial_period_days: TRIAL_DAYS } : {}), metadata: { ...metadata, startedBy: actor.userId } },
      metadata: { ...metadata, interval: input.interval },
      success_url: billingUrl("/dashboard/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}"),
      cancel_url: billingUrl("/dashboard/billing/upgrade?checkout=canceled"),
    };
    const key = createHash("sha256").update(JSON.stringify([params, after])).digest("base64url").slice(0, 24);
    const session = await stripe().checkout.sessions.create(params, { idempotencyKey: `vantflow-checkout-${actor.organizationId}-${key}` });
    if (!session.url) throw new AppError("INTERNAL", "Stripe returned a Checkout Session without a URL.");
    return { url: session.url, trial, trialUnavailableReason: reason };
  });
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
 * session must belong to the caller's org; anything else is NOT_FOUND. An id that is not a
 * Checkout Session's (cs_…) is refused, and the call throttled, before Stripe is asked anything.
 */
export async function completeCheckout(actor: Actor, sessionId: string) {
  if (!sessionId.startsWith("cs_")) {
    throw new AppError("BAD_REQUEST", "That is not a Checkout Session id.", {
      fieldErrors: { sessionId: ["That is not a Checkout Session id."] },
      details: { reason: "not_a_checkout_session" },
    });
  }
  await throttleStripeSync(actor);
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
