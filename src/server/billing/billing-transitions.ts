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
  trialStart: Date | null;
  stripePriceId: string | null;
  currentPeriodStart: Date | null;
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
  stripeCreatedAt: Date;
  nextPaymentAttempt: Date | null;
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
/**
 * A payment older than this (Stripe's time) is history a first sync brings in, not news to email;
 * an invoice or a trial seen for the first time is news only within it (a restore, a re-linked
 * customer or the reconcile's first listing brings in old rows that were never news to us).
 */
export const PAID_NEWS_MS = 7 * 86_400_000;
/** A trial seen for the first time is announced only if it started this recently (the daily reconcile finds a missed one within a day). */
export const TRIAL_NEWS_MS = 2 * 86_400_000;

const OWING = ["past_due", "unpaid"];
const ENDED = ["canceled", "incomplete_expired"];
/** Statuses in which the org had the subscription's plan (incomplete never did: its first charge never went through). */
const HAD_PLAN = ["trialing", "active", "past_due", "unpaid", "paused"];

export interface TransitionContext {
  /** Stripe's now (the customer's test clock when it has one): the trial warning is measured with it. */
  now: Date;
}

const DAY_MS = 86_400_000;
const recent = (at: Date | null | undefined, now: Date, windowMs: number) => !!at && at.getTime() >= now.getTime() - windowMs;
/** Whole days left until `end`, at least 1 (a trial ending in 2 h ends "in 1 day"). */
export const daysLeft = (end: Date, now: Date) => Math.max(1, Math.ceil((end.getTime() - now.getTime()) / DAY_MS));

function subscriptionTransitions(
  before: SubscriptionSnapshot | undefined,
  after: SubscriptionSnapshot,
  ctx: TransitionContext,
  facts: { liveAfter: boolean; latestInvoice: string | null },
): BillingTransition[] {
  const id = after.stripeSubscriptionId;
  const out: BillingTransition[] = [];
  // First sight (no row before) is news only for a trial that started just now by Stripe's clock.
  const started = after.status === "trialing" && (before ? before.status !== "trialing" : recent(after.trialStart, ctx.now, TRIAL_NEWS_MS));
  if (started) {
    out.push({ kind: "trial_started", dedupeKey: `sub:${id}:trial_started`, subscription: after });
  }
  // Not a change of state: a fact about the confirmed state at Stripe's now, sent once per trial
  // end; not in the sync that announces the trial (the start email already says when it ends).
  const left = after.trialEnd ? after.trialEnd.getTime() - ctx.now.getTime() : null;
  if (!started && after.status === "trialing" && left !== null && left > 0 && left <= TRIAL_WARNING_MS) {
    out.push({ kind: "trial_will_end", dedupeKey: `sub:${id}:trial_will_end:${after.trialEnd!.toISOString()}`, subscription: after });
  }
  // "Back on Free" only when the org really is: a subscription that had a plan (not an incomplete
  // first charge) ended, and no live one remains (drift: another still bills).
  if (before && HAD_PLAN.includes(before.status) && ENDED.includes(after.status) && !facts.liveAfter) {
    out.push({ kind: "subscription_canceled", dedupeKey: `sub:${id}:canceled`, subscription: after });
  }
  if (before && isLive(before.status) && isLive(after.status) && (before.plan !== after.plan || before.interval !== after.interval)) {
    // Keyed on Stripe's facts of the new state, not on when we heard of it: the price, the period
    // it runs in and the subscription's newest invoice (an immediate change invoices the proration,
    // a scheduled one starts a new period). A flap in what syncs read (A→B→A→B within one state of
    // Stripe) meets the keys it already used and adds nothing; a genuine change back and forth
    // over time carries a new invoice or period each time, so each is sent.
    // (The newest among the invoices the write touched: the reconcile touches the recent ones.)
    const fact = [after.stripePriceId ?? after.plan, after.interval, after.currentPeriodStart?.toISOString() ?? "", facts.latestInvoice ?? ""].join(":");
    out.push({ kind: "plan_changed", dedupeKey: `sub:${id}:plan_changed:${fact}`, from: before, to: after });
  }
  return out;
}

function invoiceTransitions(before: InvoiceSnapshot | undefined, after: InvoiceSnapshot, wasOwing: boolean, ctx: TransitionContext): BillingTransition[] {
  const id = after.stripeInvoiceId;
  // First sight: news only if created, or last attempted, within the window.
  const news = (attemptedAt: Date | null) => !!before || recent(after.stripeCreatedAt, ctx.now, PAID_NEWS_MS) || recent(attemptedAt, ctx.now, PAID_NEWS_MS);
  // A failed first charge in Checkout is shown on the Checkout page itself.
  const failed = after.status === "open" && after.attemptCount > 0 && after.amountRemaining > 0 && after.billingReason !== "subscription_create";
  // Stripe's next retry is still ahead: the dunning is current, whenever the invoice was created.
  const dunning = after.nextPaymentAttempt && after.nextPaymentAttempt.getTime() >= ctx.now.getTime() ? ctx.now : null;
  if (failed && (before?.status !== "open" || before.attemptCount < after.attemptCount) && news(dunning)) {
    return [{ kind: "payment_failed", dedupeKey: `invoice:${id}:payment_failed:${after.attemptCount}`, invoice: after }];
  }
  const fresh = !after.paidAt || recent(after.paidAt, ctx.now, PAID_NEWS_MS);
  if (after.status === "paid" && after.amountPaid > 0 && before?.status !== "paid" && fresh && news(after.paidAt)) {
    const recovered = wasOwing || (before?.status === "open" && before.attemptCount > 0);
    return [{ kind: "payment_succeeded", dedupeKey: `invoice:${id}:paid`, invoice: after, recovered }];
  }
  return [];
}

/** The subscription's newest invoice among `invoices` (Stripe's creation time). */
function latestInvoiceOf(invoices: InvoiceSnapshot[], subscriptionId: string) {
  let latest: InvoiceSnapshot | null = null;
  for (const i of invoices) if (i.stripeSubscriptionId === subscriptionId && (!latest || i.stripeCreatedAt > latest.stripeCreatedAt)) latest = i;
  return latest?.stripeInvoiceId ?? null;
}

/** The notifications a write causes; none when `before` and `after` are the same. */
export function detectBillingTransitions(before: BillingSnapshot, after: BillingSnapshot, ctx: TransitionContext): BillingTransition[] {
  const subsBefore = new Map(before.subscriptions.map((s) => [s.stripeSubscriptionId, s]));
  const invoicesBefore = new Map(before.invoices.map((i) => [i.stripeInvoiceId, i]));
  const owing = new Set(before.subscriptions.filter((s) => OWING.includes(s.status)).map((s) => s.stripeSubscriptionId));
  // The same answer as entitlementsOf's status for the after rows being live: it ranks every live status above the ended ones.
  const liveAfter = after.subscriptions.some((s) => isLive(s.status));
  return [
    ...after.subscriptions.flatMap((s) =>
      subscriptionTransitions(subsBefore.get(s.stripeSubscriptionId), s, ctx, { liveAfter, latestInvoice: latestInvoiceOf(after.invoices, s.stripeSubscriptionId) }),
    ),
    ...after.invoices.flatMap((i) =>
      invoiceTransitions(invoicesBefore.get(i.stripeInvoiceId), i, i.stripeSubscriptionId !== null && owing.has(i.stripeSubscriptionId), ctx),
    ),
  ];
}
