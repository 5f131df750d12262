/**
 * The billing emails of one sync's write, enqueued in its transaction: the org's rows are read
 * before and after the write, the transitions between them (billing-transitions.ts) become
 * outbox rows to the org's recipients. A write that rolls back leaves no email; a write that
 * changes nothing causes none; a transition met again enqueues nothing (its dedupe key).
 *
 * Invariant: an email can never roll back the billing state it reports. The email part runs
 * under a SAVEPOINT: recipients are validated (an invalid stored address is dropped with a warn)
 * and batched to the outbox's per-call limit, and any error left is logged and rolled back to the
 * savepoint, so the sync's write commits without its emails rather than failing on every retry.
 */
import { env } from "~/env";
import type { Prisma } from "~/generated/prisma/client";
import { daysLeft, detectBillingTransitions, type BillingSnapshot, type BillingTransition, type SubscriptionSnapshot, type TransitionContext } from "~/server/billing/billing-transitions";
import { entitlementsOf, SUBSCRIPTION_FACTS, type SubscriptionFacts } from "~/server/billing/entitlements";
import { PLANS, type PlanId } from "~/server/billing/plans";
import { logger } from "~/server/logger";
import { enqueueEmail } from "~/server/notifications/enqueue-email";
import { NOTIFICATION_MAX_RECIPIENTS } from "~/server/notifications/enqueue";
import { orgRecipients, type RecipientAudience } from "~/server/notifications/recipients";
import { paymentFailed } from "~/server/notifications/templates/payment-failed";
import { paymentSucceeded } from "~/server/notifications/templates/payment-succeeded";
import { planChanged } from "~/server/notifications/templates/plan-changed";
import { subscriptionCanceled } from "~/server/notifications/templates/subscription-canceled";
import type { EmailTemplate } from "~/server/notifications/templates/template";
import { trialEnding } from "~/server/notifications/templates/trial-ending";
import { trialStarted } from "~/server/notifications/templates/trial-started";
import { emailInput } from "~/server/validation";

interface Snapshot extends BillingSnapshot {
  subscriptions: (SubscriptionSnapshot & SubscriptionFacts)[];
}

/** `invoiceIds`: the invoices the write touches (only they can cause an invoice email); all of the org's when absent. */
async function billingSnapshot(tx: Prisma.TransactionClient, organizationId: string, invoiceIds?: string[]): Promise<Snapshot> {
  // One after the other: a transaction is one connection.
  const subscriptions = await tx.subscription.findMany({
    where: { organizationId },
    select: { ...SUBSCRIPTION_FACTS, trialStart: true, stripePriceId: true, currentPeriodStart: true },
  });
  const invoices = await tx.invoiceRecord.findMany({
    where: { organizationId, ...(invoiceIds ? { stripeInvoiceId: { in: invoiceIds } } : {}) },
    select: {
      stripeInvoiceId: true,
      stripeSubscriptionId: true,
      status: true,
      billingReason: true,
      attemptCount: true,
      amountPaid: true,
      amountRemaining: true,
      currency: true,
      hostedInvoiceUrl: true,
      number: true,
      paidAt: true,
      stripeCreatedAt: true,
      nextPaymentAttempt: true,
    },
  });
  return { subscriptions, invoices };
}

const planName = (plan: string) => PLANS[plan as PlanId]?.name ?? plan;
const billingUrl = (path = "") => new URL(`/dashboard/billing${path}`, env.APP_URL).toString();

type Addressed = {
  organizationId: string;
  dedupeKey: string;
  recipients: string[];
};

/** One transition's email, typed by its template until it is enqueued. */
interface Email {
  audience: RecipientAudience;
  enqueue: (tx: Prisma.TransactionClient, to: Addressed) => Promise<number>;
}

const emailFor = <P>(template: EmailTemplate<P>, props: P, audience: RecipientAudience = "billing"): Email => ({
  audience,
  enqueue: (tx, to) => enqueueEmail(tx, { ...to, template, props }),
});

const canceledEmail = (organizationName: string, plan: string) =>
  emailFor(subscriptionCanceled, { organizationName, planName: planName(plan), upgradeUrl: billingUrl("/upgrade") });

/**
 * The grace of the failing invoice's own subscription (not whichever one speaks for the org): its
 * end while it is still ahead of Stripe's now, else whether the paid limits are already suspended.
 */
function graceOf(subscriptionId: string | null, after: Snapshot, now: Date) {
  const sub = after.subscriptions.find((s) => s.stripeSubscriptionId === subscriptionId);
  if (!sub || !["past_due", "unpaid"].includes(sub.status)) return { graceEndsAt: null, limitsSuspended: false };
  const graceEndsAt = entitlementsOf([sub], now).graceEndsAt;
  return graceEndsAt && graceEndsAt > now ? { graceEndsAt: graceEndsAt.toISOString(), limitsSuspended: false } : { graceEndsAt: null, limitsSuspended: true };
}

/** The email of one transition, with what it needs from the state after the write. */
function emailOf(t: BillingTransition, organizationName: string, after: Snapshot, ctx: TransitionContext): Email {
  switch (t.kind) {
    case "trial_started":
    case "trial_will_end": {
      const trialEnd = t.subscription.trialEnd ?? ctx.now;
      const props = { organizationName, planName: planName(t.subscription.plan), trialEndsAt: trialEnd.toISOString(), billingUrl: billingUrl() };
      return t.kind === "trial_started" ? emailFor(trialStarted, props) : emailFor(trialEnding, { ...props, daysLeft: daysLeft(trialEnd, ctx.now) });
    }
    case "payment_failed":
      return emailFor(
        paymentFailed,
        {
          organizationName,
          amountDue: t.invoice.amountRemaining,
          currency: t.invoice.currency,
          invoiceNumber: t.invoice.number,
          payUrl: t.invoice.hostedInvoiceUrl ?? billingUrl("/invoices"),
          ...graceOf(t.invoice.stripeSubscriptionId, after, ctx.now),
          paymentMethodsUrl: billingUrl("/payment-methods"),
        },
        "payment_failure",
      );
    case "payment_succeeded":
      return emailFor(paymentSucceeded, {
        organizationName,
        amountPaid: t.invoice.amountPaid,
        currency: t.invoice.currency,
        invoiceNumber: t.invoice.number,
        invoiceUrl: t.invoice.hostedInvoiceUrl,
        paidAt: (t.invoice.paidAt ?? ctx.now).toISOString(),
        recovered: t.recovered,
      });
    case "subscription_canceled":
      return canceledEmail(organizationName, t.subscription.plan);
    case "plan_changed":
      return emailFor(planChanged, {
        organizationName,
        fromPlan: planName(t.from.plan),
        fromInterval: t.from.interval,
        toPlan: planName(t.to.plan),
        toInterval: t.to.interval,
        billingUrl: billingUrl(),
      });
  }
}

/**
 * Runs `emails` under a savepoint: whatever it throws is logged and rolled back to the savepoint,
 * never to the caller's transaction (the billing state it reports still commits). Returns the
 * rows added, 0 when it failed.
 */
export async function enqueueWithoutRisk(tx: Prisma.TransactionClient, organizationId: string, emails: () => Promise<number>): Promise<number> {
  await tx.$executeRawUnsafe("SAVEPOINT billing_emails");
  try {
    const added = await emails();
    await tx.$executeRawUnsafe("RELEASE SAVEPOINT billing_emails");
    return added;
  } catch (error) {
    await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT billing_emails");
    logger.error("billing emails: could not be enqueued; the billing state is written without them", { organizationId, error });
    return 0;
  }
}

/** The audience's valid addresses (an invalid stored one is dropped and logged), in batches the outbox takes in one call. */
async function recipientBatches(tx: Prisma.TransactionClient, organizationId: string, audience: RecipientAudience) {
  const valid: string[] = [];
  for (const { email } of await orgRecipients(tx, organizationId, audience)) {
    const parsed = emailInput.safeParse(email);
    if (parsed.success) valid.push(parsed.data);
    else logger.warn("billing emails: a recipient's stored address is not valid; skipped", { organizationId, audience, address: email.slice(0, 320) });
  }
  // At least one call, even with nobody to email: enqueueEmail may write more than email rows.
  const batches: string[][] = [valid.slice(0, NOTIFICATION_MAX_RECIPIENTS)];
  for (let i = NOTIFICATION_MAX_RECIPIENTS; i < valid.length; i += NOTIFICATION_MAX_RECIPIENTS) batches.push(valid.slice(i, i + NOTIFICATION_MAX_RECIPIENTS));
  return batches;
}

/** Enqueues each email to its audience, batch by batch: the dedupe is per recipient, so batches of one key add up to one email each. */
async function enqueueAll(tx: Prisma.TransactionClient, organizationId: string, emails: { email: Email; dedupeKey: string }[]) {
  const batches = new Map<RecipientAudience, string[][]>();
  let added = 0;
  for (const { email, dedupeKey } of emails) {
    if (!batches.has(email.audience)) batches.set(email.audience, await recipientBatches(tx, organizationId, email.audience));
    for (const recipients of batches.get(email.audience)!) added += await email.enqueue(tx, { organizationId, dedupeKey, recipients });
  }
  return added;
}

async function enqueueTransitions(
  tx: Prisma.TransactionClient,
  organizationId: string,
  transitions: BillingTransition[],
  after: Snapshot,
  ctx: TransitionContext,
) {
  if (!transitions.length) return 0;
  return enqueueWithoutRisk(tx, organizationId, async () => {
    const org = await tx.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { name: true } });
    return enqueueAll(
      tx,
      organizationId,
      transitions.map((t) => ({ email: emailOf(t, org.name, after, ctx), dedupeKey: t.dedupeKey })),
    );
  });
}

/**
 * "Back on Free" for subscriptions that end with no sync to see them end (the customer was
 * deleted at Stripe, customer-link.ts): the same email and dedupe key as a sync's cancellation,
 * in the caller's transaction, never able to roll it back.
 */
export function enqueueBackOnFree(tx: Prisma.TransactionClient, organizationId: string, subscriptions: { stripeSubscriptionId: string; plan: string }[]) {
  if (!subscriptions.length) return Promise.resolve(0);
  return enqueueWithoutRisk(tx, organizationId, async () => {
    const org = await tx.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { name: true } });
    return enqueueAll(
      tx,
      organizationId,
      subscriptions.map((s) => ({
        email: canceledEmail(org.name, s.plan),
        dedupeKey: `sub:${s.stripeSubscriptionId}:canceled`,
      })),
    );
  });
}

const TRIAL_NOTICES: BillingTransition["kind"][] = ["trial_started", "trial_will_end"];

/**
 * Runs `write` (the sync's applyState and trial claims) between two reads of the org's billing
 * rows and enqueues the emails of what changed, all in the caller's transaction; trials that
 * `refusedTrials` names (about to be ended) get no trial emails. Returns what `write` returned
 * and how many outbox rows were added.
 */
export async function writeWithBillingNotifications<T>(
  tx: Prisma.TransactionClient,
  organizationId: string,
  ctx: TransitionContext,
  write: () => Promise<T>,
  opts: { refusedTrials?: (written: T) => string[]; invoiceIds?: string[] } = {},
): Promise<{ written: T; emailsAdded: number }> {
  const before = await billingSnapshot(tx, organizationId, opts.invoiceIds);
  const written = await write();
  const after = await billingSnapshot(tx, organizationId, opts.invoiceIds);
  const refused = new Set(opts.refusedTrials?.(written) ?? []);
  const transitions = detectBillingTransitions(before, after, ctx).filter(
    (t) => !(TRIAL_NOTICES.includes(t.kind) && "subscription" in t && refused.has(t.subscription.stripeSubscriptionId)),
  );
  return { written, emailsAdded: await enqueueTransitions(tx, organizationId, transitions, after, ctx) };
}
