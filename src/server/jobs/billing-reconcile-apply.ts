/**
 * The apply half of the daily reconcile: walks the linked organizations by id in batches and
 * writes each one's staged Stripe objects through the same writer as the per-customer sync
 * (writeStripeState), under the run's ticket, so a webhook sync that started reading after the
 * run did wins. Per customer it calls Stripe only for what the lists cannot give: the cards of a
 * customer that changed, a stored open or uncollectible invoice no longer listed, a linked
 * customer the list did not show, and the whole customer for an org never synced or that failed
 * in the previous run.
 */
import type Stripe from "stripe";
import { type BillingReconcileItem, type BillingReconcileRun } from "~/generated/prisma/client";
import { unlinkLostCustomer } from "~/server/billing/customer-link";
import { pendingChange } from "~/server/billing/pending-change";
import { idOf, orNull } from "~/server/billing/stripe-values";
import { chargingCard, syncStripeCustomer, writeStripeState } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";
import { deleteStagedItems } from "~/server/jobs/billing-reconcile-staging";
import { logger } from "~/server/logger";

/** More linked customers than this share (and than MISSING_MIN) absent from customers.list looks like a wrong key or account. */
export const MISSING_SHARE = 0.2;
export const MISSING_MIN = 5;

export type OrgFailure = { organizationId: string; error: string };

/**
 * Refuses to apply when a large share of linked customers is missing from customers.list: with
 * another account's key every customer is "missing", and unlinking them all would put every org
 * on Free. Also when every linked customer is missing (from two up: a small account with a wrong
 * key). An org changed after the run began (so possibly linked after the listing read past its
 * customer) is not counted: its customer is confirmed at Stripe before anything is unlinked
 * anyway. The run fails (5xx), logged at error level; nothing is unlinked.
 */
export async function guardMissingCustomers(run: BillingReconcileRun) {
  const [row] = await db.$queryRaw<{ linked: number; missing: number }[]>`
    SELECT count(*)::int AS linked,
           count(*) FILTER (WHERE NOT EXISTS (
             SELECT 1 FROM "BillingReconcileItem" i
              WHERE i."runId" = ${run.id} AND i."kind" = 'customer' AND i."stripeId" = o."stripeCustomerId"))::int AS missing
      FROM "Organization" o WHERE o."stripeCustomerId" IS NOT NULL AND o."updatedAt" < ${run.startedAt}`;
  const { linked, missing } = row!;
  const all = linked >= 2 && missing === linked;
  if (!all && (missing <= MISSING_MIN || missing <= linked * MISSING_SHARE)) return;
  const message = `${missing} of ${linked} linked Stripe customers are missing from the account's customer list: wrong API key or account? Nothing was unlinked.`;
  logger.error("billing reconcile: too many linked customers missing at Stripe; run stopped", { runId: run.id, linked, missing });
  await db.billingReconcileRun.update({ where: { id: run.id }, data: { status: "failed", error: message, finishedAt: new Date() } });
  await deleteStagedItems({ id: run.id });
  throw new AppError("INTERNAL", message, { details: { reason: "customers_missing", linked, missing } });
}

type Org = { id: string; stripeCustomerId: string; stripeSyncTicket: bigint | null; paymentMethods: { stripePaymentMethodId: string; isDefault: boolean }[] };
type Staged = { customer?: Stripe.Customer; subscriptions: Stripe.Subscription[]; invoices: Stripe.Invoice[] };

function stagedByCustomer(items: BillingReconcileItem[]) {
  const staged = new Map<string, Staged>();
  for (const item of items) {
    const entry = staged.get(item.stripeCustomerId) ?? { subscriptions: [], invoices: [] };
    if (item.kind === "customer") entry.customer = item.payload as unknown as Stripe.Customer;
    if (item.kind === "subscription") entry.subscriptions.push(item.payload as unknown as Stripe.Subscription);
    if (item.kind === "invoice") entry.invoices.push(item.payload as unknown as Stripe.Invoice);
    staged.set(item.stripeCustomerId, entry);
  }
  // Newest first, as Stripe lists one customer's subscriptions (the charging card is the first live one's).
  for (const entry of staged.values()) entry.subscriptions.sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
  return staged;
}

/**
 * Whether the customer's cards must be listed again. Changed means: the org was never synced, or
 * this is the first reconcile, or a webhook event about the customer arrived since the last run's
 * window began, or the card that will be charged (customer default, else a live subscription's)
 * differs from the stored default, or a subscription names a card we do not store.
 * It misses a card attached or detached at Stripe that is neither the default nor on a
 * subscription and whose event never reached us: that stays stale until the next per-customer
 * sync (a webhook, "sync now", a checkout).
 */
function cardsChanged(org: Org, staged: Staged, firstRun: boolean, withEvents: Set<string>) {
  if (firstRun || org.stripeSyncTicket === null || withEvents.has(org.stripeCustomerId)) return true;
  const stored = new Set(org.paymentMethods.map((pm) => pm.stripePaymentMethodId));
  const storedDefault = org.paymentMethods.find((pm) => pm.isDefault)?.stripePaymentMethodId ?? null;
  const { defaultPm } = chargingCard(staged.customer!, staged.subscriptions);
  if (defaultPm !== storedDefault) return true;
  return staged.subscriptions.some((s) => {
    const pm = idOf(s.default_payment_method);
    return !!pm && !stored.has(pm);
  });
}

/** A linked customer customers.list did not show: confirmed at Stripe before anything is unlinked. */
async function applyUnlisted(client: Stripe, customerId: string) {
  const customer = await orNull(client.customers.retrieve(customerId));
  if (!customer || customer.deleted) await unlinkLostCustomer(customerId, customer ? "deleted" : "missing");
  // Created after the listing read past it: the per-customer sync reads it whole.
  else await syncStripeCustomer(customerId);
}

type ApplyContext = { storedOpen: string[]; withEvents: Set<string>; fullSync: Set<string> };

async function applyOrg(client: Stripe, run: BillingReconcileRun, org: Org, staged: Staged, ctx: ApplyContext) {
  if (!staged.customer) return applyUnlisted(client, org.stripeCustomerId);
  // The delta lists only recent invoices: an org never synced, or one that failed in the last run
  // (its rows may lag by more than a window), is read whole by the per-customer sync instead.
  if (run.invoicesSince && (org.stripeSyncTicket === null || ctx.fullSync.has(org.id))) return void (await syncStripeCustomer(org.stripeCustomerId));
  const listed = new Set(staged.invoices.map((i) => i.id));
  // Stored as open or uncollectible, neither created in the window nor open any more at Stripe:
  // paid, voided or uncollectible since. A few per run, each read on its own; one Stripe no
  // longer has is deleted.
  const refetch = ctx.storedOpen.filter((id) => !listed.has(id));
  const moved = await Promise.all(refetch.map((id) => orNull(client.invoices.retrieve(id))));
  const invoices: Stripe.Invoice[] = [...staged.invoices, ...moved.flatMap((i) => (i ? [i] : []))];
  const gone = refetch.filter((_, i) => !moved[i]);
  const pending = await Promise.all(staged.subscriptions.map((sub) => pendingChange(client, sub)));
  const paymentMethods = cardsChanged(org, staged, run.invoicesSince === null, ctx.withEvents)
    ? await client.customers.listPaymentMethods(org.stripeCustomerId, { limit: 100 }).autoPagingToArray({ limit: 1_000 })
    : null;
  await writeStripeState(org.id, run.ticket, {
    customerId: org.stripeCustomerId,
    subscriptions: staged.subscriptions,
    pending,
    invoiceScope: "listed",
    invoices,
    window: { since: run.invoicesSince, until: run.invoicesListedAt, gone },
    paymentMethods,
    ...chargingCard(staged.customer, staged.subscriptions),
    testClock: staged.customer.test_clock ?? null,
  });
}

/** Customers whose staged objects are loaded at once: bounds the memory of a step (a customer's objects are few). */
export const LOAD_CHUNK = 50;

/**
 * Applies the next linked orgs after the run's cursor, up to batchSize, until the deadline (checked
 * before each org, at least one per step). One org's failure is recorded and the rest go on. An org
 * whose ticket is already at or past the run's was written by a newer sync or by an earlier attempt
 * of this step: it is skipped without calling Stripe. The cursor (the last org handled) and the
 * failed org ids are saved in one write, so a crash after it loses no failure and redoes no org.
 */
export async function applyStep(client: Stripe, run: BillingReconcileRun, batchSize: number, deadline = Infinity) {
  const orgs = (await db.organization.findMany({
    where: { stripeCustomerId: { not: null }, ...(run.cursor ? { id: { gt: run.cursor } } : {}) },
    orderBy: { id: "asc" },
    take: batchSize,
    select: { id: true, stripeCustomerId: true, stripeSyncTicket: true, paymentMethods: { select: { stripePaymentMethodId: true, isDefault: true } } },
  })) as Org[];
  // The orgs that failed in the last completed run before this one.
  const previous = await db.billingReconcileRun.findFirst({ where: { status: "done", startedAt: { lt: run.startedAt } }, orderBy: { startedAt: "desc" }, select: { failedOrgIds: true } });
  const fullSync = new Set(previous?.failedOrgIds ?? []);
  const failed: OrgFailure[] = [];
  let handled = 0;
  let skipped = 0;
  for (let at = 0; at < orgs.length && (handled === 0 || Date.now() < deadline); at += LOAD_CHUNK) {
    // Superseded or failed meanwhile (its staging is gone): stop; the write below then loses.
    if ((await db.billingReconcileRun.findUnique({ where: { id: run.id }, select: { status: true } }))?.status !== "running") break;
    const chunk = orgs.slice(at, at + LOAD_CHUNK);
    const todo = chunk.filter((o) => o.stripeSyncTicket === null || o.stripeSyncTicket < run.ticket);
    const customerIds = todo.map((o) => o.stripeCustomerId);
    const [items, storedOpen, events] = await Promise.all([
      db.billingReconcileItem.findMany({ where: { runId: run.id, stripeCustomerId: { in: customerIds } } }),
      db.invoiceRecord.findMany({
        where: { organizationId: { in: todo.map((o) => o.id) }, status: { in: ["open", "uncollectible"] } },
        select: { organizationId: true, stripeInvoiceId: true },
      }),
      run.invoicesSince
        ? db.billingEvent.findMany({ where: { stripeCustomerId: { in: customerIds }, receivedAt: { gte: run.invoicesSince } }, distinct: ["stripeCustomerId"], select: { stripeCustomerId: true } })
        : [],
    ]);
    const staged = stagedByCustomer(items);
    const withEvents = new Set(events.map((e) => e.stripeCustomerId!));
    for (const org of chunk) {
      if (handled > 0 && Date.now() >= deadline) break;
      handled++;
      if (!todo.includes(org)) {
        skipped++;
        continue;
      }
      try {
        const open = storedOpen.filter((i) => i.organizationId === org.id).map((i) => i.stripeInvoiceId);
        await applyOrg(client, run, org, staged.get(org.stripeCustomerId) ?? { subscriptions: [], invoices: [] }, { storedOpen: open, withEvents, fullSync });
      } catch (error) {
        failed.push({ organizationId: org.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  const done = handled === orgs.length && orgs.length < batchSize;
  const counts = run.counts as Record<string, number>;
  const moved = await db.billingReconcileRun.updateMany({
    where: { id: run.id, phase: "apply", cursor: run.cursor, status: "running" },
    data: {
      phase: done ? "done" : "apply",
      cursor: done ? null : (orgs[handled - 1]?.id ?? run.cursor),
      failedOrgIds: { push: failed.map((f) => f.organizationId) },
      counts: {
        ...counts,
        applied: (counts.applied ?? 0) + handled - skipped - failed.length,
        failed: (counts.failed ?? 0) + failed.length,
        ...(skipped ? { skipped: (counts.skipped ?? 0) + skipped } : {}),
      },
    },
  });
  if (!moved.count) throw new AppError("CONFLICT", "Another call of this reconcile run moved it on.", { details: { reason: "reconcile_moved_on" } });
  return { run: await db.billingReconcileRun.findUniqueOrThrow({ where: { id: run.id } }), failed };
}
