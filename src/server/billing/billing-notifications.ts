/**
 * The billing emails of one sync's write, enqueued in its transaction: the org's rows are read
 * before and after the write, the transitions between them (billing-transitions.ts) become
 * outbox rows to the org's recipients. A write that rolls back leaves no email; a write that
 * changes nothing causes none; a transition met again enqueues nothing (its dedupe key).
 */
import { env } from "~/env";
import type { Prisma } from "~/generated/prisma/client";
import { detectBillingTransitions, type BillingSnapshot, type BillingTransition, type TransitionContext } from "~/server/billing/billing-transitions";
import { entitlementsOf, SUBSCRIPTION_FACTS, type SubscriptionFacts } from "~/server/billing/entitlements";
import { PLANS, type PlanId } from "~/server/billing/plans";
import { enqueueEmail } from "~/server/notifications/enqueue-email";
import { orgRecipients, type RecipientAudience } from "~/server/notifications/recipients";
import { paymentFailed } from "~/server/notifications/templates/payment-failed";
import { paymentSucceeded } from "~/server/notifications/templates/payment-succeeded";
import { planChanged } from "~/server/notifications/templates/plan-changed";
import { subscriptionCanceled } from "~/server/notifications/templates/subscription-canceled";
import type { EmailTemplate } from "~/server/notifications/templates/template";
import { trialEnding } from "~/server/notifications/templates/trial-ending";
import { trialStarted } from "~/server/notifications/templates/trial-started";

type Snapshot = BillingSnapshot & { subscriptions: SubscriptionFacts[] };

async function billingSnapshot(tx: Prisma.TransactionClient, organizationId: string): Promise<Snapshot> {
  // One after the other: a transaction is one connection.
  const subscriptions = await tx.subscription.findMany({
    where: { organizationId },
    select: SUBSCRIPTION_FACTS,
  });
  const invoices = await tx.invoiceRecord.findMany({
    where: { organizationId },
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

/** The email of one transition, with what it needs from the state after the write. */
function emailOf(t: BillingTransition, organizationName: string, after: Snapshot, ctx: TransitionContext): Email {
  const email = <P>(template: EmailTemplate<P>, props: P, audience: RecipientAudience = "billing"): Email => ({
    audience,
    enqueue: (tx, to) => enqueueEmail(tx, { ...to, template, props }),
  });
  switch (t.kind) {
    case "trial_started":
    case "trial_will_end":
      return email(t.kind === "trial_started" ? trialStarted : trialEnding, {
        organizationName,
        planName: planName(t.subscription.plan),
        trialEndsAt: (t.subscription.trialEnd ?? ctx.now).toISOString(),
        billingUrl: billingUrl(),
      });
    case "payment_failed":
      return email(
        paymentFailed,
        {
          organizationName,
          amountDue: t.invoice.amountRemaining,
          currency: t.invoice.currency,
          invoiceNumber: t.invoice.number,
          payUrl: t.invoice.hostedInvoiceUrl ?? billingUrl("/invoices"),
          graceEndsAt: entitlementsOf(after.subscriptions, ctx.now).graceEndsAt?.toISOString() ?? null,
          paymentMethodsUrl: billingUrl("/payment-methods"),
        },
        "payment_failure",
      );
    case "payment_succeeded":
      return email(paymentSucceeded, {
        organizationName,
        amountPaid: t.invoice.amountPaid,
        currency: t.invoice.currency,
        invoiceNumber: t.invoice.number,
        invoiceUrl: t.invoice.hostedInvoiceUrl,
        paidAt: (t.invoice.paidAt ?? ctx.now).toISOString(),
        recovered: t.recovered,
      });
    case "subscription_canceled":
      return email(subscriptionCanceled, {
        organizationName,
        planName: planName(t.subscription.plan),
        upgradeUrl: billingUrl("/upgrade"),
      });
    case "plan_changed":
      return email(planChanged, {
        organizationName,
        fromPlan: planName(t.from.plan),
        fromInterval: t.from.interval,
        toPlan: planName(t.to.plan),
        toInterval: t.to.interval,
        billingUrl: billingUrl(),
      });
  }
}

async function enqueueTransitions(
  tx: Prisma.TransactionClient,
  organizationId: string,
  transitions: BillingTransition[],
  after: Snapshot,
  ctx: TransitionContext,
) {
  if (!transitions.length) return 0;
  const org = await tx.organization.findUniqueOrThrow({
    where: { id: organizationId },
    select: { name: true },
  });
  const recipients = new Map<RecipientAudience, string[]>();
  let added = 0;
  for (const t of transitions) {
    const email = emailOf(t, org.name, after, ctx);
    const audience = email.audience;
    if (!recipients.has(audience))
      recipients.set(
        audience,
        (await orgRecipients(tx, organizationId, audience)).map((r) => r.email),
      );
    added += await email.enqueue(tx, {
      organizationId,
      dedupeKey: t.dedupeKey,
      recipients: recipients.get(audience)!,
    });
  }
  return added;
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
  opts: { refusedTrials?: (written: T) => string[] } = {},
): Promise<{ written: T; emailsAdded: number }> {
  const before = await billingSnapshot(tx, organizationId);
  const written = await write();
  const after = await billingSnapshot(tx, organizationId);
  const refused = new Set(opts.refusedTrials?.(written) ?? []);
  const transitions = detectBillingTransitions(before, after, ctx).filter(
    (t) => !(TRIAL_NOTICES.includes(t.kind) && "subscription" in t && refused.has(t.subscription.stripeSubscriptionId)),
  );
  return { written, emailsAdded: await enqueueTransitions(tx, organizationId, transitions, after, ctx) };
}
