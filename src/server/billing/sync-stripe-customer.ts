/**
 * The one convergent sync: reads a customer's subscriptions, invoices and payment methods from
 * Stripe and writes them as they are now. The webhook, the checkout success page, the admin
 * "sync now" and the daily job all call it. It never trusts an event's payload, so events that
 * arrive late, twice or out of order cannot move the rows away from Stripe's state; a ticket taken
 * before reading makes concurrent syncs apply in the order they started reading.
 */
import type Stripe from "stripe";
import { type Prisma } from "~/generated/prisma/client";
import { planForPrice } from "~/server/billing/price-ids";
import { isLive } from "~/server/billing/subscription-status";
import { db } from "~/server/clients/db";
import { stripe } from "~/server/clients/stripe";

const at = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null);
const idOf = (value: string | { id: string } | null | undefined) => (typeof value === "string" ? value : (value?.id ?? null));


export type SyncResult = { status: "synced"; organizationId: string } | { status: "unknown_customer" };

/** The org a customer belongs to: by stored id, else by the `organizationId` the app put in its metadata. */
async function organizationFor(tx: Prisma.TransactionClient | typeof db, customer: Stripe.Customer | Stripe.DeletedCustomer) {
  const known = await tx.organization.findUnique({ where: { stripeCustomerId: customer.id }, select: { id: true } });
  if (known) return known.id;
  const claimed = "metadata" in customer ? customer.metadata.organizationId : undefined;
  if (!claimed) return null;
  // A customer.created webhook can beat ensureStripeCustomer's own write; link only an unlinked org.
  const linked = await tx.organization.updateMany({ where: { id: claimed, stripeCustomerId: null }, data: { stripeCustomerId: customer.id } });
  return linked.count ? claimed : null;
}

type PendingChange = { pendingPlan: string | null; pendingInterval: string | null };
const NO_PENDING_CHANGE: PendingChange = { pendingPlan: null, pendingInterval: null };

/**
 * The plan the subscription's schedule moves it to next: the first phase after the current one
 * whose price differs from the subscription's. Nothing once the schedule is released, canceled
 * or completed, or when no later phase changes the price.
 */
async function pendingChange(client: Stripe, sub: Stripe.Subscription): Promise<PendingChange> {
  if (!sub.schedule) return NO_PENDING_CHANGE;
  const schedule = typeof sub.schedule === "string" ? await client.subscriptionSchedules.retrieve(sub.schedule) : sub.schedule;
  if (schedule.status !== "active" && schedule.status !== "not_started") return NO_PENDING_CHANGE;
  const currentPrice = sub.items.data[0]?.price.id;
  const after = schedule.current_phase?.end_date ?? 0;
  const next = schedule.phases
    .filter((phase) => phase.start_date >= after)
    .map((phase) => phase.items[0]?.price)
    .find((price) => price && idOf(price) !== currentPrice);
  if (!next) return NO_PENDING_CHANGE;
  // A phase names its price by id; the lookup key needs the price itself.
  const price = typeof next === "string" ? (planForPrice({ id: next }) ? { id: next } : await client.prices.retrieve(next)) : next;
  const known = planForPrice(price);
  const interval = known?.interval ?? ("recurring" in price ? (price.recurring?.interval ?? null) : null);
  return { pendingPlan: known?.plan ?? "unknown", pendingInterval: interval };
}

function subscriptionRow(sub: Stripe.Subscription, invoices: Stripe.Invoice[], pending: PendingChange) {
  const item = sub.items.data[0];
  const price = item?.price;
  const known = price ? planForPrice(price) : null;
  const latest = invoices.find((i) => i.id === idOf(sub.latest_invoice));
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

function invoiceRow(invoice: Stripe.Invoice) {
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

export async function syncStripeCustomer(customerId: string): Promise<SyncResult> {
  const client = stripe();
  // The read's place in line, taken before reading Stripe: the write below lands only if no
  // sync that started reading later has landed already, so a slow read cannot overwrite a newer one.
  const [{ ticket }] = (await db.$queryRaw<{ ticket: bigint }[]>`SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS ticket`) as [
    { ticket: bigint },
  ];
  const customer = await client.customers.retrieve(customerId).catch((error: unknown) => {
    // A customer Stripe does not know (another account's, or deleted long ago) is not ours to sync.
    if ((error as { code?: string }).code === "resource_missing") return null;
    throw error;
  });
  const organizationId = customer ? await organizationFor(db, customer) : null;
  if (!customer || !organizationId) return { status: "unknown_customer" };

  // Stripe is read outside any transaction: no database connection waits on the network.
  const [subscriptions, invoices, paymentMethods] = await Promise.all([
    client.subscriptions
      .list({ customer: customerId, status: "all", limit: 100, expand: ["data.schedule"] })
      .autoPagingToArray({ limit: 10_000 }),
    client.invoices.list({ customer: customerId, limit: 100 }).autoPagingToArray({ limit: 10_000 }),
    customer.deleted ? [] : client.customers.listPaymentMethods(customerId, { limit: 100 }).autoPagingToArray({ limit: 1_000 }),
  ]);
  const pending = await Promise.all(subscriptions.map((sub) => pendingChange(client, sub)));
  // The card that will be charged: the customer's default, else the one a live subscription
  // carries (Checkout in subscription mode saves the card on the subscription only).
  const charging = subscriptions.find((s) => isLive(s.status) && s.default_payment_method);
  const defaultPm = (customer.deleted ? null : idOf(customer.invoice_settings.default_payment_method)) ?? idOf(charging?.default_payment_method);

  return db.$transaction(
    async (tx) => {
      // Also the per-org write lock: a concurrent sync waits here for this row, then compares tickets.
      const current = await tx.$executeRaw`
        UPDATE "Organization" SET "stripeSyncTicket" = ${ticket}
         WHERE "id" = ${organizationId} AND ("stripeSyncTicket" IS NULL OR "stripeSyncTicket" < ${ticket})`;
      if (!current) return { status: "synced", organizationId } as const;

      for (const [i, sub] of subscriptions.entries()) {
        const row = subscriptionRow(sub, invoices, pending[i]!);
        await tx.subscription.upsert({
          where: { stripeSubscriptionId: sub.id },
          create: { ...row, stripeSubscriptionId: sub.id, organizationId },
          update: row,
        });
      }
      for (const invoice of invoices) {
        if (!invoice.id || invoice.status === "draft") continue;
        const row = invoiceRow(invoice);
        await tx.invoiceRecord.upsert({
          where: { stripeInvoiceId: invoice.id },
          create: { ...row, stripeInvoiceId: invoice.id, organizationId },
          update: row,
        });
      }
      await tx.paymentMethod.deleteMany({
        where: { organizationId, stripeCustomerId: customerId, stripePaymentMethodId: { notIn: paymentMethods.map((pm) => pm.id) } },
      });
      for (const pm of paymentMethods) {
        const row = {
          stripeCustomerId: customerId,
          type: pm.type,
          brand: pm.card?.brand ?? null,
          last4: pm.card?.last4 ?? null,
          expMonth: pm.card?.exp_month ?? null,
          expYear: pm.card?.exp_year ?? null,
          isDefault: pm.id === defaultPm,
          stripeCreatedAt: at(pm.created),
        };
        await tx.paymentMethod.upsert({
          where: { stripePaymentMethodId: pm.id },
          create: { ...row, stripePaymentMethodId: pm.id, organizationId },
          update: row,
        });
      }
      const firstTrial = subscriptions.map((s) => s.trial_start).filter((t): t is number => !!t).sort()[0];
      if (firstTrial) {
        await tx.organization.updateMany({ where: { id: organizationId, trialUsedAt: null }, data: { trialUsedAt: at(firstTrial) } });
      }
      return { status: "synced", organizationId } as const;
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}
