/**
 * The listing half of the daily reconcile: the whole Stripe account read with account-wide list
 * calls, one page (100 objects) per step, staged in BillingReconcileItem so the listing can span
 * calls of the job. The run row holds the phase and a cursor `id@created` (the last object
 * staged); a page and the cursor after it are written in one transaction, and staging skips
 * duplicates, so a page read again after a crash changes nothing.
 *
 * The cursor object can vanish from the list between calls (an open invoice paid, a customer
 * deleted): Stripe then refuses `starting_after` with resource_missing. The step then lists from
 * `created[lte]` of the cursor instead: lists run newest first, so every object not yet staged was
 * created at or before it; the few of the same second staged already are skipped as duplicates.
 */
import type Stripe from "stripe";
import { type BillingReconcileRun, type Prisma } from "~/generated/prisma/client";
import { idOf } from "~/server/billing/stripe-values";
import { db } from "~/server/clients/db";
import { AppError } from "~/server/errors";

export const LIST_PHASES = ["customers", "subscriptions", "invoices", "open_invoices"] as const;
export type ListPhase = (typeof LIST_PHASES)[number];
const KIND: Record<ListPhase, string> = { customers: "customer", subscriptions: "subscription", invoices: "invoice", open_invoices: "invoice" };
const PAGE = 100;

type Listed = { id?: string; created?: number; customer?: string | { id: string } | null };
type Cursor = { after: string; created: number };

/** The run's cursor `id@created`, as listStep writes it. */
export function parseCursor(cursor: string | null): Cursor | null {
  if (!cursor) return null;
  const at = cursor.lastIndexOf("@");
  return { after: cursor.slice(0, at), created: Number(cursor.slice(at + 1)) };
}

/** Stripe refusing `starting_after` because that object left the list (resource_missing; the stand-in says parameter_invalid). */
const staleCursor = (error: unknown) => (error as { param?: string }).param === "starting_after";

/**
 * One page of the phase's list after `cursor`: by `starting_after`, or (`resume`) by
 * `created[lte]` when the cursor object is gone.
 */
function listPage(client: Stripe, run: BillingReconcileRun, phase: ListPhase, cursor: Cursor | null, resume: boolean): Promise<Stripe.ApiList<Listed>> {
  const upTo = resume && cursor ? { lte: cursor.created } : {};
  const page = { limit: PAGE, ...(cursor && !resume ? { starting_after: cursor.after } : {}), ...(resume && cursor ? { created: upTo } : {}) };
  switch (phase) {
    case "customers":
      // Gives invoice_settings.default_payment_method, and which linked customers still exist.
      return client.customers.list(page);
    case "subscriptions":
      // The schedule comes along: pendingChange reads the pending plan from it without a call. So
      // does the latest invoice (two levels; Stripe allows four): pastDueSince is its `created`,
      // even when it is older than the invoice window.
      return client.subscriptions.list({ ...page, status: "all", expand: ["data.schedule", "data.latest_invoice"] });
    case "invoices": {
      // A delta: only invoices created since the last completed run (minus a margin); all on the first run.
      const since = run.invoicesSince ? Math.floor(run.invoicesSince.getTime() / 1000) : null;
      return client.invoices.list({ ...page, ...(since ? { created: { gte: since, ...upTo } } : {}) });
    }
    case "open_invoices":
      // Older invoices still open: their rows follow Stripe even though they fall before the window.
      return client.invoices.list({ ...page, status: "open" });
  }
}

/** Lists one page of the run's current phase, stages it and moves the run on; returns the run as it now is. */
export async function listStep(client: Stripe, run: BillingReconcileRun): Promise<BillingReconcileRun> {
  const phase = run.phase as ListPhase;
  const cursor = parseCursor(run.cursor);
  const listedAt = new Date();
  const page = await listPage(client, run, phase, cursor, false).catch((error: unknown) => {
    if (!cursor || !staleCursor(error)) throw error;
    return listPage(client, run, phase, cursor, true);
  });
  const data = page.data.filter((o): o is Listed & { id: string } => !!o.id);
  const last = data.at(-1);
  const next =
    page.has_more && last
      ? { phase, cursor: `${last.id}@${last.created ?? 0}` }
      : { phase: LIST_PHASES[LIST_PHASES.indexOf(phase) + 1] ?? "apply", cursor: null };
  const counts = run.counts as Record<string, number>;
  return db.$transaction(async (tx) => {
    await tx.billingReconcileItem.createMany({
      data: data.map((o) => ({
        runId: run.id,
        kind: KIND[phase],
        stripeId: o.id,
        stripeCustomerId: phase === "customers" ? o.id : (idOf(o.customer) ?? ""),
        payload: o as unknown as Prisma.InputJsonValue,
      })),
      skipDuplicates: true,
    });
    // Moves on only from where this step started: a second call at the same place loses here.
    const moved = await tx.billingReconcileRun.updateMany({
      where: { id: run.id, phase: run.phase, cursor: run.cursor, status: "running" },
      data: {
        ...next,
        counts: { ...counts, [phase]: (counts[phase] ?? 0) + data.length },
        // The next run's invoice window starts where this run's invoice listing began.
        ...(phase === "invoices" && !run.cursor ? { invoicesListedAt: listedAt } : {}),
      },
    });
    if (!moved.count) throw new AppError("CONFLICT", "Another call of this reconcile run moved it on.", { details: { reason: "reconcile_moved_on" } });
    return tx.billingReconcileRun.findUniqueOrThrow({ where: { id: run.id } });
  });
}
