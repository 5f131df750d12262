/**
 * The daily billing sync: the reconcile (billing-reconcile.ts) reads the whole Stripe account by
 * list calls and brings every org with a Stripe customer back to Stripe's state, so a webhook
 * that never arrived cannot leave a row behind for long. A run spans calls, each within a
 * function's time limit; one org's failure is recorded and the rest go on. The orgs that failed
 * are synced again later by the per-customer sync (`syncOrganizations`): by a QStash retry
 * message when QStash drives the run (billing-sync-delivery.ts), at the end of the run when it is
 * run by hand.
 */
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { logger } from "~/server/logger";
import { type OrgFailure } from "~/server/jobs/billing-reconcile-apply";
import { reconcileToEnd } from "~/server/jobs/billing-reconcile";

export type { OrgFailure };

/** The most orgs one apply step writes, or the failed orgs a retry carries. */
export const MAX_BATCH_SIZE = 500;
/** Passes over the orgs still failing at the end of a run by hand, before giving up on them. */
export const HAND_RETRIES = 2;

/** The given orgs synced again, one by one (those that have since lost their customer are skipped). */
export async function syncOrganizations(organizationIds: string[]) {
  const orgs = await db.organization.findMany({
    where: { id: { in: organizationIds }, stripeCustomerId: { not: null } },
    orderBy: { id: "asc" },
    select: { id: true, stripeCustomerId: true },
  });
  let synced = 0;
  const failed: OrgFailure[] = [];
  for (const org of orgs) {
    try {
      await syncStripeCustomer(org.stripeCustomerId!);
      synced++;
    } catch (error) {
      failed.push({ organizationId: org.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { synced, failed };
}

/**
 * A whole reconcile run, then up to HAND_RETRIES passes over the orgs that failed, for the CLI
 * and tests. `failed` is what still fails after them, logged at error level.
 */
export async function runBillingSyncToEnd(batchSize = 100, opts: { steps?: number } = {}) {
  const run = await reconcileToEnd({ batchSize, steps: opts.steps });
  const total = { runId: run.runId, calls: run.calls, failed: run.failed };
  for (let pass = 0; pass < HAND_RETRIES && total.failed.length; pass++) {
    total.failed = (await syncOrganizations(total.failed.map((f) => f.organizationId))).failed;
  }
  if (total.failed.length) logger.error("billing sync: organizations still failing after retries", { failed: total.failed });
  return total;
}
