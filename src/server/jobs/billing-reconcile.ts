/**
 * The daily billing reconcile: the Stripe account read with account-wide, auto-paginated list
 * calls (customers, subscriptions, invoices created since the last run, open invoices), then
 * applied org by org through the per-customer sync's writer. For N customers each list costs
 * ceil(N/100) calls, not ~4 calls per customer. A run spans as many calls of the job as it needs:
 * each call stops at its budget (time, and for tests a number of steps) and says where the next
 * one goes on, as a position `phase:cursor` that the run row holds.
 */
import { randomUUID } from "node:crypto";
import { env } from "~/env";
import { type BillingReconcileRun } from "~/generated/prisma/client";
import { takeSyncTicket } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { stripe } from "~/server/clients/stripe";
import { AppError } from "~/server/errors";
import { applyStep, guardMissingCustomers, type OrgFailure } from "~/server/jobs/billing-reconcile-apply";
import { LIST_PHASES, listStep } from "~/server/jobs/billing-reconcile-list";
import { deleteStagedItems } from "~/server/jobs/billing-reconcile-staging";
import { logger } from "~/server/logger";

/** Invoices listed by `created` reach back this far before the last completed run began listing them (clock skew, slow runs). */
export const INVOICE_WINDOW_MARGIN_MS = 6 * 3600_000;
/** A run still "running" this long after it began lost its chain (QStash gave up): its staging goes. */
export const ABANDONED_AFTER_MS = 2 * 86_400_000;
/** Where every run begins. */
export const START_POSITION = "customers:";

export const positionOf = (run: Pick<BillingReconcileRun, "phase" | "cursor">) => `${run.phase}:${run.cursor ?? ""}`;

export interface CallOptions {
  /** The position the caller expects the run at (a QStash message's cursor); omitted: the start. */
  from?: string | null;
  /** Orgs per apply step. */
  batchSize: number;
  /** Steps (list pages or apply batches) one call may take; tests set it small. */
  steps?: number;
  budgetMs?: number;
}

export interface CallResult {
  runId: string;
  /** Where the next call goes on; null once the run is done. */
  next: string | null;
  failed: OrgFailure[];
  /** Every org that failed in the run so far, as saved with its cursor: what retries are published from. */
  failedOrgIds: string[];
  /** True when the run was already past `from` (a repeated or late delivery), or superseded: nothing was done. */
  stale: boolean;
}

/**
 * The run, created on its first call. The ticket is taken before anything is read from Stripe,
 * so a webhook sync that lands while the run reads wins over what the run read. Older runs still
 * running are superseded (their staging goes): their chains stop at their next call, so two runs
 * never apply at once. By ticket, so of two runs opening together only the later one goes on.
 */
async function openRun(runId: string) {
  const existing = await db.billingReconcileRun.findUnique({ where: { id: runId } });
  if (existing) return existing;
  const abandoned = { status: "running", startedAt: { lt: new Date(Date.now() - ABANDONED_AFTER_MS) } };
  const abandonedIds = (await db.billingReconcileRun.findMany({ where: abandoned, select: { id: true } })).map((r) => r.id);
  await db.billingReconcileRun.updateMany({ where: { id: { in: abandonedIds } }, data: { status: "failed", error: "abandoned: no call continued it", finishedAt: new Date() } });
  await deleteStagedItems({ id: { in: abandonedIds } });
  const ticket = await takeSyncTicket();
  const previous = await db.billingReconcileRun.findFirst({ where: { status: "done" }, orderBy: { startedAt: "desc" }, select: { startedAt: true, invoicesListedAt: true } });
  // From when the previous run listed invoices, not when it began: its listing may have come hours later.
  const since = previous ? (previous.invoicesListedAt ?? previous.startedAt) : null;
  const invoicesSince = since ? new Date(since.getTime() - INVOICE_WINDOW_MARGIN_MS) : null;
  const run = await db.billingReconcileRun.upsert({ where: { id: runId }, create: { id: runId, ticket, invoicesSince, phase: "customers" }, update: {} });
  const older = { status: "running", id: { not: run.id }, ticket: { lt: run.ticket } };
  const olderIds = (await db.billingReconcileRun.findMany({ where: older, select: { id: true } })).map((r) => r.id);
  // Superseded first, so their chains stop applying before their staging goes.
  await db.billingReconcileRun.updateMany({ where: { id: { in: olderIds }, status: "running" }, data: { status: "superseded", error: `superseded by run ${run.id}`, finishedAt: new Date() } });
  await deleteStagedItems({ id: { in: olderIds } });
  return run;
}

async function finishRun(run: BillingReconcileRun) {
  // Emptied before the run is marked done: a crash in between leaves it to the repeated call.
  await deleteStagedItems({ id: run.id });
  const finished = await db.billingReconcileRun.update({ where: { id: run.id }, data: { status: "done", finishedAt: new Date() } });
  logger.info("billing reconcile: run done", { runId: run.id, counts: finished.counts });
  return finished;
}

/** One call of a run: steps from where the run stands until it is done or the budget is spent. */
export async function reconcileCall(runId: string, opts: CallOptions): Promise<CallResult> {
  const client = stripe();
  let run = await openRun(runId);
  if (run.status === "failed") throw new AppError("INTERNAL", run.error ?? "This reconcile run failed.", { details: { reason: "reconcile_failed" } });
  const saved = run.failedOrgIds;
  if (run.status === "superseded") return { runId, next: null, failed: [], failedOrgIds: saved, stale: true };
  if (run.status === "done") return { runId, next: null, failed: [], failedOrgIds: saved, stale: (opts.from ?? START_POSITION) !== positionOf(run) };
  if ((opts.from ?? START_POSITION) !== positionOf(run)) return { runId, next: positionOf(run), failed: [], failedOrgIds: saved, stale: true };

  const deadline = Date.now() + (opts.budgetMs ?? env.BILLING_RECONCILE_CALL_BUDGET_MS);
  const failed: OrgFailure[] = [];
  // At least one step per call, however small the budget: every call moves the run on.
  for (let steps = opts.steps ?? Infinity, first = true; steps > 0 && run.phase !== "done" && (first || Date.now() < deadline); steps--, first = false) {
    if ((LIST_PHASES as readonly string[]).includes(run.phase)) {
      run = await listStep(client, run);
      continue;
    }
    if (run.cursor === null) await guardMissingCustomers(run);
    const applied = await applyStep(client, run, opts.batchSize, deadline);
    run = applied.run;
    failed.push(...applied.failed);
  }
  if (failed.length) logger.warn("billing reconcile: some organizations failed; they will be retried", { runId, failed });
  if (run.phase === "done") await finishRun(run);
  return { runId, next: run.phase === "done" ? null : positionOf(run), failed, failedOrgIds: run.failedOrgIds, stale: false };
}

/** A whole run in this process, call after call (the CLI, tests, the benchmark). */
export async function reconcileToEnd(opts: Omit<CallOptions, "from"> & { runId?: string }) {
  const runId = opts.runId ?? `manual-${randomUUID()}`;
  const failed: OrgFailure[] = [];
  let from: string | null = START_POSITION;
  let calls = 0;
  do {
    const result = await reconcileCall(runId, { ...opts, from });
    failed.push(...result.failed);
    from = result.next;
    calls++;
  } while (from);
  return { runId, calls, failed };
}
