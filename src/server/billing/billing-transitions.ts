/**
 * Which billing emails a sync's write causes, from the org's stored rows before and after it: a
 * pure comparison of states, never of event types, so a webhook replayed, duplicated or delivered
 * out of order (which leaves the rows as they were) causes nothing. Each transition carries the
 * dedupe key of its logical notification, which the outbox holds once per recipient.
 *
 * Payment failures are keyed per invoice and attempt: each failed charge is a new fact the payer
 * should hear about (Stripe's own dunning emails do the same), and a replay of one attempt keeps
 * its attempt_count, so it is never sent twice. Keying per subscription entering past_due would
 * stay silent about every retry after the first and about an invoice that fails while the
 * subscription is already past_due.
 */
import { isLive } from "~/server/billing/subscription-status";

export interface SubscriptionSnapshot {
  stripeSubscriptionId: string;
  status: string;
  plan: string;
  interval: string | null;
  trialEnd: Date | null;
}

export interface InvoiceSnapshot {
  stripeInvoiceId: string;
  stripeSubscriptionId: string | null;
  status: string;
  billingReason: string | null;
  attemptCount: number;
  amountPaid: number;
  amountRemaining: number;
  currency: string;
  hostedInvoiceUrl: string | null;
  number: string | null;
  paidAt: Date | null;
}

export interface BillingSnapshot {
  subscriptions: SubscriptionSnapshot[];
  invoices: InvoiceSnapshot[];
}

export type BillingTransition =
  | { kind: "trial_started"; dedupeKey: string; subscription: SubscriptionSnapshot }
  | { kind: "trial_will_end"; dedupeKey: string; subscription: SubscriptionSnapshot }
  | { kind: "payment_failed"; dedupeKey: string; invoice: InvoiceSnapshot }
  | { kind: "payment_succeeded"; dedupeKey: string; invoice: InvoiceSnapshot; recovered: boolean }
  | { kind: "subscription_canceled"; dedupeKey: string; subscription: SubscriptionSnapshot }
  | { kind: "plan_changed"; dedupeKey: string; from: SubscriptionSnapshot; to: SubscriptionSnapshot };

/** Stripe sends `customer.subscription.trial_will_end` this long before a trial ends. */
export const TRIAL_WARNING_MS = 3 * 86_400_000;
/** A payment older than this (Stripe's time) is history a first sync brings in, not news to email. */
export const PAID_NEWS_MS = 7 * 86_400_000;

const OWING = ["past_due", "unpaid"];
const ENDED = ["canceled", "incomplete_expired"];

export interface TransitionContext {
  /** Stripe's now (the customer's test clock when it has one): the trial warning is measured with it. */
  now: Date;
  /** The applied sync's ticket: tells one plan change from the same change made again later. */
  ticket: bigint;
}

function subscriptionTransitions(before: SubscriptionSnapshot | undefined, after: SubscriptionSnapshot, ctx: TransitionContext): BillingTransition[] {
  const id = after.stripeSubscriptionId;
  const out: BillingTransition[] = [];
  if (after.status === "trialing" && before?.status !== "trialing") {
    out.push({ kind: "trial_started", dedupeKey: `sub:${id}:trial_started`, subscription: after });
  }
  // Not a change of state: a fact about the confirmed state at Stripe's now, sent once per trial end.
  const left = after.trialEnd ? after.trialEnd.getTime() - ctx.now.getTime() : null;
  if (after.status === "trialing" && left !== null && left > 0 && left <= TRIAL_WARNING_MS) {
    out.push({ kind: "trial_will_end", dedupeKey: `sub:${id}:trial_will_end:${after.trialEnd!.toISOString()}`, subscription: after });
  }
  if (before && isLive(before.status) && ENDED.includes(after.status)) {
    out.push({ kind: "subscription_canceled", dedupeKey: `sub:${id}:canceled`, subscription: after });
  }
  if (before && isLive(before.status) && isLive(after.status) && (before.plan !== after.plan || before.interval !== after.interval)) {
    out.push({ kind: "plan_changed", dedupeKey: `sub:${id}:plan_changed:${ctx.ticket}`, from: before, to: after });
  }
  return out;
}

function invoiceTransitions(before: InvoiceSnapshot | undefined, after: InvoiceSnapshot, wasOwing: boolean, ctx: TransitionContext): BillingTransition[] {
  const id = after.stripeInvoiceId;
  // A failed first charge in Checkout is shown on the Checkout page itself.
  const failed = after.status === "open" && after.attemptCount > 0 && after.amountRemaining > 0 && after.billingReason !== "subscription_create";
  if (failed && (before?.status !== "open" || before.attemptCount < after.attemptCount)) {
    return [{ kind: "payment_failed", dedupeKey: `invoice:${id}:payment_failed:${after.attemptCount}`, invoice: after }];
  }
  const fresh = !after.paidAt || after.paidAt.getTime() >= ctx.now.getTime() - PAID_NEWS_MS;
  if (after.status === "paid" && after.amountPaid > 0 && before?.status !== "paid" && fresh) {
    const recovered = wasOwing || (before?.status === "open" && before.attemptCount > 0);
    return [{ kind: "payment_succeeded", dedupeKey: `invoice:${id}:paid`, invoice: after, recovered }];
  }
  return [];
}

/** The notifications a write causes; none when `before` and `after` are the same. */
export function detectBillingTransitions(before: BillingSnapshot, after: BillingSnapshot, ctx: TransitionContext): BillingTransition[] {
  const subsBefore = new Map(before.subscriptions.map((s) => [s.stripeSubscriptionId, s]));
  const invoicesBefore = new Map(before.invoices.map((i) => [i.stripeInvoiceId, i]));
  const owing = new Set(before.subscriptions.filter((s) => OWING.includes(s.status)).map((s) => s.stripeSubscriptionId));
  return [
    ...after.subscriptions.flatMap((s) => subscriptionTransitions(subsBefore.get(s.stripeSubscriptionId), s, ctx)),
    ...after.invoices.flatMap((i) =>
      invoiceTransitions(invoicesBefore.get(i.stripeInvoiceId), i, i.stripeSubscriptionId !== null && owing.has(i.stripeSubscriptionId), ctx),
    ),
  ];
}
