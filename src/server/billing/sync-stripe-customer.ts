/**
 * The one convergent sync: reads a customer's subscriptions, invoices and payment methods from
 * Stripe and makes the org's rows equal to them — rows Stripe does not have are removed. The
 * webhook, the checkout success page and the admin "sync now" call it; the daily reconcile
 * (jobs/billing-reconcile*.ts) reads by account-wide lists and writes through writeStripeState. It
 * never trusts an event's payload, so events that arrive late, twice or out of order cannot move
 * the rows away from Stripe's state; a ticket taken before reading makes concurrent syncs apply
 * in the order they started reading. Along the way it records drift (more than one live
 * subscription at Stripe), unlinks a customer Stripe deleted or does not know, and ends a trial
 * that its owner or card already had, and enqueues the billing emails of what the write changed
 * (billing-notifications.ts) in the same transaction.
 */
import type Stripe from "stripe";
import { type Prisma } from "~/generated/prisma/client";
import { writeWithBillingNotifications } from "~/server/billing/billing-notifications";
import { organizationFor, unlinkLostCustomer, type LostReason } from "~/server/billing/customer-link";
import { pendingChange, type PendingChange } from "~/server/billing/pending-change";
import { stripeNow, type TestClockRef } from "~/server/billing/stripe-clock";
import { invoiceRow, paymentMethodRow, subscriptionRow } from "~/server/billing/stripe-rows";
import { at, idOf, orNull } from "~/server/billing/stripe-values";
import { isLive } from "~/server/billing/subscription-status";
import { claimTrials, endRefusedTrials } from "~/server/billing/trial-claims";
import { db } from "~/server/clients/db";
import { stripe } from "~/server/clients/stripe";
import { logger } from "~/server/logger";
import { noteEnqueued } from "~/server/notifications/after-response";
import { forgetLimits } from "~/server/usage/limits";

export type SyncResult =
  | { status: "synced"; organizationId: string }
  | { status: "customer_lost"; organizationId: string; reason: LostReason }
  | { status: "unknown_customer" };

/**
 * What Stripe holds for one customer, read outside any transaction: by the per-customer sync in
 * full, or by the daily reconcile from its account-wide lists (billing-reconcile.ts).
 */
export interface StripeState {
  customerId: string;
  subscriptions: Stripe.Subscription[];
  pending: PendingChange[];
  /**
   * "all": every invoice of the customer, so a stored one not among them is a phantom and goes.
   * "listed": only some (the reconcile's created-since window, open ones, refetched ones): they
   * are upserted, and only the stored ones `window` says are gone are deleted.
   */
  invoiceScope: "all" | "listed";
  invoices: Stripe.Invoice[];
  /**
   * With "listed": every invoice of the customer created in [since, until) was listed, so a stored
   * one in that range not among `invoices` is gone at Stripe; `gone` are invoices Stripe answered
   * resource_missing for.
   */
  window?: { since: Date | null; until: Date | null; gone: string[] };
  /** null: not read this time (the reconcile saw no change); the stored cards stay as they are. */
  paymentMethods: Stripe.PaymentMethod[] | null;
  /** The card that will be charged: the customer's default, else the one a live subscription carries. */
  defaultPm: string | null;
  customerDefaultPm: string | null;
  /** The customer's test clock, if it has one: Stripe's now for every comparison the write makes. */
  testClock: TestClockRef;
}

/** The card that will be charged, as the state and the reconcile's change check both need it. */
export function chargingCard(customer: Stripe.Customer, subscriptions: Stripe.Subscription[]) {
  // Checkout in subscription mode saves the card on the subscription only.
  const charging = subscriptions.find((s) => isLive(s.status) && s.default_payment_method);
  const customerDefaultPm = idOf(customer.invoice_settings?.default_payment_method);
  return { customerDefaultPm, defaultPm: customerDefaultPm ?? idOf(charging?.default_payment_method) };
}

async function readStripeState(client: Stripe, customer: Stripe.Customer): Promise<StripeState> {
  const customerId = customer.id;
  const [subscriptions, invoices, paymentMethods] = await Promise.all([
    client.subscriptions
      .list({ customer: customerId, status: "all", limit: 100, expand: ["data.schedule"] })
      .autoPagingToArray({ limit: 10_000 }),
    client.invoices.list({ customer: customerId, limit: 100 }).autoPagingToArray({ limit: 10_000 }),
    client.customers.listPaymentMethods(customerId, { limit: 100 }).autoPagingToArray({ limit: 1_000 }),
  ]);
  const pending = await Promise.all(subscriptions.map((sub) => pendingChange(client, sub)));
  return {
    customerId,
    subscriptions,
    pending,
    invoiceScope: "all",
    invoices,
    paymentMethods,
    ...chargingCard(customer, subscriptions),
    testClock: customer.test_clock ?? null,
  };
}

/** Writes the state as it is: upserts what Stripe has, deletes what it does not. */
async function applyState(tx: Prisma.TransactionClient, organizationId: string, state: StripeState) {
  const { customerId, subscriptions, invoices, paymentMethods } = state;
  for (const [i, sub] of subscriptions.entries()) {
    const row = subscriptionRow(sub, invoices, state.pending[i]!);
    await tx.subscription.upsert({ where: { stripeSubscriptionId: sub.id }, create: { ...row, stripeSubscriptionId: sub.id, organizationId }, update: row });
  }
  // One customer per org, so any other row of the org is one Stripe does not have (a phantom).
  await tx.subscription.deleteMany({ where: { organizationId, stripeSubscriptionId: { notIn: subscriptions.map((s) => s.id) } } });
  const stored = invoices.filter((invoice) => invoice.id && invoice.status !== "draft");
  for (const invoice of stored) {
    const row = invoiceRow(invoice);
    await tx.invoiceRecord.upsert({ where: { stripeInvoiceId: invoice.id! }, create: { ...row, stripeInvoiceId: invoice.id!, organizationId }, update: row });
  }
  if (state.invoiceScope === "all") {
    await tx.invoiceRecord.deleteMany({ where: { organizationId, stripeCustomerId: customerId, stripeInvoiceId: { notIn: stored.map((i) => i.id!) } } });
  } else if (state.window) {
    const { since, until, gone } = state.window;
    if (since && until) {
      await tx.invoiceRecord.deleteMany({
        where: { organizationId, stripeCustomerId: customerId, stripeCreatedAt: { gte: since, lt: until }, stripeInvoiceId: { notIn: stored.map((i) => i.id!) } },
      });
    }
    if (gone.length) await tx.invoiceRecord.deleteMany({ where: { organizationId, stripeInvoiceId: { in: gone } } });
  }
  if (paymentMethods) {
    await tx.paymentMethod.deleteMany({ where: { organizationId, stripePaymentMethodId: { notIn: paymentMethods.map((pm) => pm.id) } } });
    for (const pm of paymentMethods) {
      const row = paymentMethodRow(pm, customerId, state.defaultPm);
      await tx.paymentMethod.upsert({ where: { stripePaymentMethodId: pm.id }, create: { ...row, stripePaymentMethodId: pm.id, organizationId }, update: row });
    }
  }
  const firstTrial = subscriptions.map((s) => s.trial_start).filter((t): t is number => !!t).sort()[0];
  if (firstTrial) await tx.organization.updateMany({ where: { id: organizationId, trialUsedAt: null }, data: { trialUsedAt: at(firstTrial) } });
  return recordDrift(tx, organizationId, subscriptions);
}

/**
 * More than one live subscription for one org is never intended (it would bill twice): it is
 * recorded, with the ids, for the billing page and the logs, and cleared once Stripe holds one.
 */
async function recordDrift(tx: Prisma.TransactionClient, organizationId: string, subscriptions: Stripe.Subscription[]) {
  const live = subscriptions.filter((s) => isLive(s.status)).map((s) => s.id).sort();
  const drift = live.length > 1;
  await tx.organization.update({
    where: { id: organizationId },
    data: drift ? { subscriptionDriftIds: live } : { subscriptionDriftAt: null, subscriptionDriftIds: [] },
  });
  if (drift) await tx.organization.updateMany({ where: { id: organizationId, subscriptionDriftAt: null }, data: { subscriptionDriftAt: new Date() } });
  return drift ? live : null;
}

/** The state written, then the trial claims of its subscriptions (which need its cards). */
async function applyAndClaim(tx: Prisma.TransactionClient, organizationId: string, state: StripeState) {
  const drift = await applyState(tx, organizationId, state);
  // Cards not read this time: their fingerprints are the stored ones.
  const cards =
    state.paymentMethods ??
    (await tx.paymentMethod.findMany({ where: { organizationId }, select: { stripePaymentMethodId: true, fingerprint: true } })).map((pm) => ({
      id: pm.stripePaymentMethodId,
      card: { fingerprint: pm.fingerprint },
    }));
  const refusals = await claimTrials(tx, organizationId, state.subscriptions, cards, state.customerDefaultPm);
  return { drift, refusals };
}

/** The database clock in µs: a sync's place in line, taken before it starts reading Stripe. */
export async function takeSyncTicket(): Promise<bigint> {
  const [row] = await db.$queryRaw<{ ticket: bigint }[]>`SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS ticket`;
  return row!.ticket;
}

/** How long a sync's write waits for another sync's write to the same org (inside its 30 s transaction). */
const SYNC_ROW_WAIT_MS = 20_000;

/**
 * The write half of every sync: under the org row, and only if no sync that started reading
 * later (a higher ticket) has landed, writes the state, records drift and trial claims; then
 * forgets the cached limits and ends refused trials (reading the customer again after). Returns
 * whether the state was written.
 */
export async function writeStripeState(organizationId: string, ticket: bigint, state: StripeState, opts: { afterRefusal?: boolean } = {}): Promise<boolean> {
  const { customerId } = state;
  // Stripe's now (the customer's test clock whenever it has one: trials, grace ends and the
  // recency of first-seen rows are all measured with it), read before the transaction opens.
  const now = new Date((await stripeNow({ test_clock: state.testClock })) * 1000);
  const applied = await db.$transaction(
    async (tx) => {
      // Waiting for this row is the design (the ticket compare below), and another sync's write
      // may hold it longer than the pool's short lock_timeout: this wait has a bound of its own.
      await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '${SYNC_ROW_WAIT_MS}ms'`);
      // Also the per-org write lock: a concurrent sync waits here for this row, then compares
      // tickets. An org that has meanwhile lost this customer is not written either.
      const current = await tx.$executeRaw`
        UPDATE "Organization" SET "stripeSyncTicket" = ${ticket}, "stripeClockAt" = ${state.testClock ? now : null}
         WHERE "id" = ${organizationId} AND "stripeCustomerId" = ${customerId}
           AND ("stripeSyncTicket" IS NULL OR "stripeSyncTicket" < ${ticket})`;
      if (!current) return null;
      // Only an applied write tells of transitions: its emails commit or roll back with it. A
      // trial refused here is ended at once, so it is announced neither as started nor as ending.
      return writeWithBillingNotifications(tx, organizationId, { now }, () => applyAndClaim(tx, organizationId, state), {
        refusedTrials: (written) => written.refusals.map((r) => r.subscriptionId),
        // Only invoices the write upserts can become emails (a deleted one causes none): the
        // reads inside this 30 s transaction skip the rest of the org's history.
        invoiceIds: state.invoices.flatMap((i) => (i.id && i.status !== "draft" ? [i.id] : [])),
      });
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
  // Said again after the commit: a send pass that started (and reset the flag) while this
  // transaction was open could not see its rows; the caller's after-response send must.
  if (applied?.emailsAdded) noteEnqueued();
  // A plan may have changed: the metered limits cached in Redis are read again at the next request.
  if (applied) await forgetLimits(organizationId);
  const written = applied?.written;
  if (written?.drift) logger.warn("billing: Stripe holds more than one live subscription for one organization", { organizationId, subscriptions: written.drift });
  if (written?.refusals.length && !opts.afterRefusal) {
    await endRefusedTrials(organizationId, written.refusals);
    // Ending a trial changed the subscription at Stripe: read it again so the rows say so now.
    await syncStripeCustomer(customerId, { afterRefusal: true });
  }
  return !!applied;
}

export async function syncStripeCustomer(customerId: string, opts: { afterRefusal?: boolean } = {}): Promise<SyncResult> {
  const client = stripe();
  // The read's place in line, taken before reading Stripe: the write below lands only if no
  // sync that started reading later has landed already, so a slow read cannot overwrite a newer one.
  const ticket = await takeSyncTicket();
  const customer = await orNull(client.customers.retrieve(customerId));
  if (!customer || customer.deleted) {
    const reason: LostReason = customer ? "deleted" : "missing";
    const lost = await unlinkLostCustomer(customerId, reason);
    return lost ? { status: "customer_lost", organizationId: lost, reason } : { status: "unknown_customer" };
  }
  const organizationId = await organizationFor(customer);
  if (!organizationId) return { status: "unknown_customer" };

  // Stripe is read outside any transaction: no database connection waits on the network.
  const state = await readStripeState(client, customer);
  await writeStripeState(organizationId, ticket, state, opts);
  return { status: "synced", organizationId };
}
