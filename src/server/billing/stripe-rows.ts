/** Stripe objects as the mirror tables store them; every field is overwritten on each sync. */
import type Stripe from "stripe";
import { type Prisma } from "~/generated/prisma/client";
import type { PendingChange } from "~/server/billing/pending-change";
import { planForPrice } from "~/server/billing/price-ids";
import { at, idOf } from "~/server/billing/stripe-values";

export function subscriptionRow(sub: Stripe.Subscription, invoices: Stripe.Invoice[], pending: PendingChange) {
  const item = sub.items.data[0];
  const price = item?.price;
  const known = price ? planForPrice(price) : null;
  // Expanded by the reconcile's list (its invoice may be older than the listed window); else among the invoices read.
  const latest = typeof sub.latest_invoice === "object" && sub.latest_invoice ? sub.latest_invoice : invoices.find((i) => i.id === idOf(sub.latest_invoice));
  const owing = sub.status === "past_due" || sub.status === "unpaid";
  return {
    stripeCustomerId: idOf(sub.customer)!,
    status: sub.status,
    plan: known?.plan ?? "unknown",
    interval: price?.recurring?.interval ?? null,
    stripePriceId: price?.id ?? null,
    quantity: item?.quantity ?? 1,
    unitAmount: price?.unit_amount ?? null,
    currency: sub.currency,
    currentPeriodStart: at(item?.current_period_start),
    currentPeriodEnd: at(item?.current_period_end),
    trialStart: at(sub.trial_start),
    trialEnd: at(sub.trial_end),
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    pendingPlan: pending.pendingPlan,
    pendingInterval: pending.pendingInterval,
    cancelAt: at(sub.cancel_at),
    canceledAt: at(sub.canceled_at),
    endedAt: at(sub.ended_at),
    // Grace is counted from the unpaid invoice, a Stripe fact, not from when we heard of it.
    pastDueSince: owing ? at(latest?.created ?? item?.current_period_start) : null,
    stripeCreatedAt: at(sub.created),
    metadata: sub.metadata as Prisma.InputJsonValue,
    lastSyncedAt: new Date(),
  };
}

export function invoiceRow(invoice: Stripe.Invoice) {
  const subscription = invoice.parent?.subscription_details?.subscription ?? (invoice as { subscription?: string | null }).subscription ?? null;
  return {
    stripeSubscriptionId: idOf(subscription),
    stripeCustomerId: idOf(invoice.customer)!,
    number: invoice.number,
    status: invoice.status ?? "draft",
    billingReason: invoice.billing_reason,
    currency: invoice.currency,
    subtotal: invoice.subtotal,
    tax: invoice.total_taxes?.reduce((sum, t) => sum + t.amount, 0) ?? null,
    total: invoice.total,
    amountDue: invoice.amount_due,
    amountPaid: invoice.amount_paid,
    amountRemaining: invoice.amount_remaining,
    attemptCount: invoice.attempt_count,
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    invoicePdf: invoice.invoice_pdf ?? null,
    periodStart: at(invoice.period_start),
    periodEnd: at(invoice.period_end),
    dueDate: at(invoice.due_date),
    paidAt: at(invoice.status_transitions?.paid_at),
    nextPaymentAttempt: at(invoice.next_payment_attempt),
    stripeCreatedAt: at(invoice.created)!,
    lines: invoice.lines.data.map((l) => ({
      description: l.description,
      amount: l.amount,
      currency: l.currency,
      proration: l.parent?.subscription_item_details?.proration ?? false,
      periodStart: l.period.start,
      periodEnd: l.period.end,
    })) as Prisma.InputJsonValue,
  };
}


export function paymentMethodRow(pm: Stripe.PaymentMethod, customerId: string, defaultPm: string | null) {
  return {
    stripeCustomerId: customerId,
    type: pm.type,
    brand: pm.card?.brand ?? null,
    last4: pm.card?.last4 ?? null,
    expMonth: pm.card?.exp_month ?? null,
    expYear: pm.card?.exp_year ?? null,
    fingerprint: pm.card?.fingerprint ?? null,
    isDefault: pm.id === defaultPm,
    stripeCreatedAt: at(pm.created),
  };
}
