/**
 * Changing a live subscription: an upgrade (a higher plan, or the same plan month → year) applies
 * now and its proration is invoiced and charged at once; a downgrade (a lower plan, or year →
 * month) waits for the period end through a subscription schedule, so the org keeps what it paid
 * for. Cancel and resume act at the period end, and a downgrade pending when the org cancels comes
 * back when it resumes; the billing portal covers the rest. Every action starts from the org's own
 * subscription row and ends with the convergent sync.
 */
import type Stripe from "stripe";
import { z } from "zod";
import { env } from "~/env";
import { withBillingLock } from "~/server/billing/billing-lock";
import { INTERVALS, PAID_PLAN_IDS, isUpgrade, type Interval, type PaidPlanId } from "~/server/billing/plans";
import { planForPrice, priceIdFor } from "~/server/billing/price-ids";
import { stripeNow } from "~/server/billing/stripe-clock";
import { CANCELABLE_STATUSES, CHANGEABLE_STATUSES, isCancelable, LIVE_STATUSES } from "~/server/billing/subscription-status";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { stripe } from "~/server/clients/stripe";
import { AppError } from "~/server/errors";
import type { Actor } from "~/server/orgs/memberships";

export const planChangeInput = z.object({
  plan: z.enum(PAID_PLAN_IDS),
  interval: z.enum(INTERVALS),
  /** The preview's proration time (Unix seconds), so the change charges what the preview showed. */
  prorationDate: z.number().int().positive().optional(),
});
export type PlanChangeInput = z.infer<typeof planChangeInput>;

type Target = { plan: PaidPlanId; interval: Interval };
type PreviewLine = { description: string | null; amount: number; proration: boolean };
type Timing = "now" | "period_end";


const at = (seconds: number) => new Date(seconds * 1000);
const itemOf = (sub: Stripe.Subscription) => sub.items.data[0]!;

/**
 * The org's live subscription as Stripe has it now: found through the org's own row (so no
 * other org's id can reach here), then read from Stripe, which the row may lag behind.
 */
async function ownSubscription(actor: Actor) {
  const row = await db.subscription.findFirst({
    where: { organizationId: actor.organizationId, status: { in: [...LIVE_STATUSES] } },
    orderBy: { stripeCreatedAt: { sort: "desc", nulls: "last" } },
    select: { stripeSubscriptionId: true, stripeCustomerId: true },
  });
  if (!row) {
    throw new AppError("CONFLICT", "This organization has no subscription: choose a plan through checkout.", { details: { reason: "no_subscription" } });
  }
  const sub = await stripe().subscriptions.retrieve(row.stripeSubscriptionId, { expand: ["schedule"] });
  return { sub, customerId: row.stripeCustomerId };
}

function requireStatus(sub: Stripe.Subscription, allowed: readonly string[], action: string) {
  if (!allowed.includes(sub.status)) {
    throw new AppError("CONFLICT", `A ${sub.status} subscription cannot ${action}.`, { details: { reason: "subscription_status", status: sub.status } });
  }
}

/**
 * Runs a plan action for the org under the org's billing lock (a concurrent second click gets
 * CONFLICT rather than racing the first). The customer the action `touch`es is synced
 * afterwards, also when the action failed part way, so whatever Stripe did apply reaches the rows.
 */
async function planAction<T>(actor: Actor, action: (touch: (customerId: string) => void) => Promise<T>): Promise<T> {
  const touched: { customerId?: string } = {};
  let result: T;
  try {
    result = await withBillingLock(actor.organizationId, () => action((customerId) => void (touched.customerId = customerId)));
  } catch (error) {
    if (touched.customerId) await syncStripeCustomer(touched.customerId).catch(() => undefined);
    throw error;
  }
  if (touched.customerId) await syncStripeCustomer(touched.customerId);
  return result;
}

/** What the subscription is on now; a price the app does not sell is changed in the portal instead. */
function currentTarget(sub: Stripe.Subscription): Target {
  const known = planForPrice(itemOf(sub).price);
  if (!known) throw new AppError("CONFLICT", "The subscription is on a price this app does not sell: change it in the billing portal.", { details: { reason: "unknown_price" } });
  return known;
}

/** When a move from one plan to another applies; null when it is no move at all. */
function timingBetween(from: Target, to: Target): Timing | null {
  if (from.plan === to.plan && from.interval === to.interval) return null;
  if (isUpgrade(from.plan, to.plan)) return "now";
  if (from.plan === to.plan && from.interval === "month" && to.interval === "year") return "now";
  return "period_end";
}

function timingOf(from: Target, to: Target): Timing {
  const timing = timingBetween(from, to);
  if (!timing) throw new AppError("BAD_REQUEST", `The organization is already on ${to.plan} (${to.interval}ly).`, { details: { reason: "same_plan" } });
  return timing;
}

/** The schedule still steering the subscription, if any. */
async function openSchedule(sub: Stripe.Subscription) {
  if (!sub.schedule) return null;
  const schedule = typeof sub.schedule === "string" ? await stripe().subscriptionSchedules.retrieve(sub.schedule) : sub.schedule;
  return schedule.status === "active" || schedule.status === "not_started" ? schedule : null;
}

/** What a change would cost: due now (an upgrade's proration) and the first invoice after it. */
export async function previewChange(actor: Actor, input: PlanChangeInput) {
  const { sub, customerId } = await ownSubscription(actor);
  requireStatus(sub, CHANGEABLE_STATUSES, "change plan");
  const timing = timingOf(currentTarget(sub), input);
  const item = itemOf(sub);
  const priceId = priceIdFor(input.plan, input.interval);
  const price = await stripe().prices.retrieve(priceId);
  const nextAmount = (price.unit_amount ?? 0) * (item.quantity ?? 1);
  // A change during a trial keeps the trial: nothing is charged until it ends.
  const trialEnd = sub.status === "trialing" && sub.trial_end ? at(sub.trial_end) : null;
  if (timing === "period_end") {
    return {
      ...input,
      timing,
      trialEnd,
      dueNow: { amount: 0, currency: sub.currency, lines: [] as PreviewLine[] },
      nextInvoice: { amount: nextAmount, currency: price.currency, date: at(item.current_period_end) },
    };
  }
  const prorationDate = await stripeNow(sub);
  const preview = await stripe().invoices.createPreview({
    customer: customerId,
    subscription: sub.id,
    subscription_details: { items: [{ id: item.id, price: priceId }], proration_behavior: "always_invoice", proration_date: prorationDate },
  });
  // A line that is not a proration is a new period starting now (the interval changed): it
  // ends where the next invoice falls. Otherwise the period, and its end, stay as they are.
  const restart = preview.lines.data.find((line) => !line.parent?.subscription_item_details?.proration);
  return {
    ...input,
    timing,
    trialEnd,
    prorationDate,
    dueNow: {
      amount: preview.amount_due,
      currency: preview.currency,
      lines: preview.lines.data.map(
        (line): PreviewLine => ({ description: line.description, amount: line.amount, proration: Boolean(line.parent?.subscription_item_details?.proration) }),
      ),
    },
    nextInvoice: { amount: nextAmount, currency: price.currency, date: at(restart?.period.end ?? item.current_period_end) },
  };
}

/** A preview's proration time is honoured for an hour, and never in the future or before the period. */
async function checkedProrationDate(sub: Stripe.Subscription, prorationDate: number) {
  const now = await stripeNow(sub);
  if (prorationDate > now || prorationDate < now - 3600 || prorationDate < itemOf(sub).current_period_start) {
    throw new AppError("BAD_REQUEST", "This price preview has expired: preview the change again.", { details: { reason: "stale_preview" } });
  }
  return prorationDate;
}

/** The plan a schedule moves the subscription to after its current phase; null for none or a price the app does not sell. */
function scheduledTarget(schedule: Stripe.SubscriptionSchedule): Target | null {
  const after = schedule.current_phase?.end_date ?? 0;
  const price = schedule.phases.find((phase) => phase.start_date >= after)?.items[0]?.price;
  return price ? planForPrice({ id: typeof price === "string" ? price : price.id }) : null;
}

/**
 * A downgrade set aside by a cancellation, kept in Stripe on the subscription itself. Stripe
 * refuses `cancel_at_period_end` on a subscription that a schedule manages ("update the schedule
 * instead"), so cancel has to release the schedule; resume schedules the change again from here.
 */
const SET_ASIDE_KEYS = { plan: "resume_plan", interval: "resume_interval" } as const;
const setAsideTarget = z.object({ [SET_ASIDE_KEYS.plan]: z.enum(PAID_PLAN_IDS), [SET_ASIDE_KEYS.interval]: z.enum(INTERVALS) });
/** Metadata that records `target` as set aside, or (null) clears it: Stripe deletes a key set to "". */
const setAsideMetadata = (target: Target | null) => ({ [SET_ASIDE_KEYS.plan]: target?.plan ?? "", [SET_ASIDE_KEYS.interval]: target?.interval ?? "" });

function setAsideOf(sub: Stripe.Subscription): Target | null {
  const parsed = setAsideTarget.safeParse(sub.metadata);
  return parsed.success ? { plan: parsed.data[SET_ASIDE_KEYS.plan], interval: parsed.data[SET_ASIDE_KEYS.interval] } : null;
}

/** Releases the subscription's schedule: any change it had pending is dropped. */
async function releaseSchedule(sub: Stripe.Subscription) {
  const schedule = await openSchedule(sub);
  if (!schedule) return false;
  await stripe().subscriptionSchedules.release(schedule.id);
  return true;
}

/** Phase 1: the current price until the period end; phase 2: the new price; then released. */
async function scheduleAtPeriodEnd(sub: Stripe.Subscription, target: Target) {
  const item = itemOf(sub);
  const priceId = priceIdFor(target.plan, target.interval);
  const existing = await openSchedule(sub);
  // A pending change is replaced in the schedule that holds it: Stripe allows one per subscription.
  const schedule = existing ?? (await stripe().subscriptionSchedules.create({ from_subscription: sub.id }));
  const start = schedule.current_phase?.start_date ?? item.current_period_start;
  try {
    return await stripe().subscriptionSchedules.update(schedule.id, {
      end_behavior: "release",
      proration_behavior: "none",
      phases: [
        {
          items: [{ price: item.price.id, quantity: item.quantity ?? 1 }],
          start_date: start,
          end_date: item.current_period_end,
          ...(sub.status === "trialing" && sub.trial_end ? { trial_end: sub.trial_end } : {}),
        },
        { items: [{ price: priceId, quantity: item.quantity ?? 1 }], proration_behavior: "none", metadata: { plan: target.plan } },
      ],
    });
  } catch (error) {
    // A schedule made for this change and left with only the current phase would still own the
    // subscription (and block cancel); release it rather than leave it half-done.
    if (!existing) await stripe().subscriptionSchedules.release(schedule.id).catch(() => undefined);
    throw error;
  }
}

/**
 * Moves the org to `plan`/`interval`: an upgrade now, with the proration invoiced and charged
 * at once; a downgrade at the period end. A change already pending is replaced.
 */
export function changePlan(actor: Actor, input: PlanChangeInput) {
  return planAction(actor, async (touch) => {
    const { sub, customerId } = await ownSubscription(actor);
    touch(customerId);
    requireStatus(sub, CHANGEABLE_STATUSES, "change plan");
    const timing = timingOf(currentTarget(sub), input);
    const priceId = priceIdFor(input.plan, input.interval);
    const item = itemOf(sub);
    if (timing === "period_end" && sub.cancel_at_period_end) {
      throw new AppError("CONFLICT", "The subscription ends at the period end: resume it before scheduling a plan change.", {
        details: { reason: "cancel_at_period_end" },
      });
    }
    let invoice: Stripe.Invoice | null = null;
    if (timing === "now") {
      await releaseSchedule(sub);
      const updated = await stripe().subscriptions.update(sub.id, {
        items: [{ id: item.id, price: priceId }],
        proration_behavior: "always_invoice",
        ...(input.prorationDate ? { proration_date: await checkedProrationDate(sub, input.prorationDate) } : {}),
        // An upgrade supersedes a downgrade set aside by an earlier cancellation.
        metadata: { plan: input.plan, ...setAsideMetadata(null) },
        expand: ["latest_invoice"],
      });
      invoice = typeof updated.latest_invoice === "object" ? updated.latest_invoice : null;
    } else {
      await scheduleAtPeriodEnd(sub, input);
    }
    return {
      ...input,
      timing,
      effectiveAt: timing === "now" ? null : at(item.current_period_end),
      // An upgrade's invoice: when it is still open (the card failed), the hosted page collects it.
      invoice: invoice && {
        status: invoice.status,
        amountDue: invoice.amount_due,
        amountPaid: invoice.amount_paid,
        currency: invoice.currency,
        hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
      },
    };
  });
}

/** Drops a scheduled downgrade (also one set aside by a cancellation): the subscription renews on its current plan. */
export function cancelPendingChange(actor: Actor) {
  return planAction(actor, async (touch) => {
    const { sub, customerId } = await ownSubscription(actor);
    const released = await releaseSchedule(sub);
    const setAside = setAsideOf(sub) !== null;
    if (setAside) await stripe().subscriptions.update(sub.id, { metadata: setAsideMetadata(null) });
    if (released || setAside) touch(customerId);
    return { released: released || setAside };
  });
}

/**
 * Ends the subscription at the period end. Stripe refuses that while a schedule manages the
 * subscription, so a pending downgrade is first written to the subscription (set aside), then its
 * schedule released: a failure at any step leaves the change recorded, and a retry finishes.
 */
export function cancelSubscription(actor: Actor) {
  return planAction(actor, async (touch) => {
    const { sub, customerId } = await ownSubscription(actor);
    touch(customerId);
    requireStatus(sub, CANCELABLE_STATUSES, "be canceled");
    const schedule = await openSchedule(sub);
    if (schedule) {
      await stripe().subscriptions.update(sub.id, { metadata: setAsideMetadata(scheduledTarget(schedule)) });
      await stripe().subscriptionSchedules.release(schedule.id);
    }
    if (!sub.cancel_at_period_end) await stripe().subscriptions.update(sub.id, { cancel_at_period_end: true });
    return { cancelAtPeriodEnd: true, endsAt: at(itemOf(sub).current_period_end) };
  });
}

/**
 * Schedules again the downgrade a cancellation set aside, if it is still a change at the period
 * end from the plan the subscription is on, then forgets it. A retry after a failure part way
 * finds either no schedule (and makes it) or the one made before (and keeps it).
 */
async function restoreSetAside(sub: Stripe.Subscription) {
  const target = setAsideOf(sub);
  if (!target) return;
  const current = planForPrice(itemOf(sub).price);
  const stillDue = isCancelable(sub.status) && current && timingBetween(current, target) === "period_end";
  if (stillDue && !(await openSchedule(sub))) await scheduleAtPeriodEnd(sub, target);
  await stripe().subscriptions.update(sub.id, { metadata: setAsideMetadata(null) });
}

/** Undoes a cancellation at the period end (with the downgrade it set aside), and resumes a paused subscription. */
export function resumeSubscription(actor: Actor) {
  return planAction(actor, async (touch) => {
    const found = await ownSubscription(actor);
    touch(found.customerId);
    let sub = found.sub;
    if (sub.status === "paused") sub = await stripe().subscriptions.resume(sub.id);
    if (sub.cancel_at_period_end) sub = await stripe().subscriptions.update(sub.id, { cancel_at_period_end: false });
    await restoreSetAside(sub);
    return { status: sub.status, cancelAtPeriodEnd: sub.cancel_at_period_end };
  });
}

/** A Stripe billing portal session for the org's customer, returning to the billing page. */
export async function createPortalSession(actor: Actor) {
  const org = await db.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { stripeCustomerId: true } });
  if (!org.stripeCustomerId) {
    throw new AppError("CONFLICT", "This organization has no billing account yet: choose a plan first.", { details: { reason: "no_customer" } });
  }
  const session = await stripe().billingPortal.sessions.create({
    customer: org.stripeCustomerId,
    return_url: new URL("/dashboard/billing", env.APP_URL).toString(),
  });
  return { url: session.url };
}
