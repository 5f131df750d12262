/**
 * The daily billing sync: every org with a Stripe customer is read again from Stripe through the
 * one convergent sync, so a webhook that never arrived cannot leave a row behind for long. It
 * works through one batch per call and returns a cursor for the next, so each call fits a
 * function's time limit; one org's failure is recorded and the rest go on. The orgs that failed
 * are synced again later (`syncOrganizations`): by a QStash retry message when QStash drives the
 * run (billing-sync-delivery.ts), at the end of the run when it is run by hand.
 */
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { logger } from "~/server/logger";

/** The most orgs one call syncs: a batch, or the failed orgs a retry carries. */
export const MAX_BATCH_SIZE = 500;
/** Passes over the orgs still failing at the end of a run by hand, before giving up on them. */
export const HAND_RETRIES = 2;

export type OrgFailure = { organizationId: string; error: string };

async function syncEach(orgs: { id: string; stripeCustomerId: string | null }[]) {
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

export async function runBillingSync(batch: { cursor?: string | null; batchSize: number }) {
  const orgs = await db.organization.findMany({
    where: { stripeCustomerId: { not: null }, ...(batch.cursor ? { id: { gt: batch.cursor } } : {}) },
    orderBy: { id: "asc" },
    take: batch.batchSize + 1,
    select: { id: true, stripeCustomerId: true },
  });
  const page = orgs.slice(0, batch.batchSize);
  const result = await syncEach(page);
  if (result.failed.length) logger.warn("billing sync: some organizations failed; they will be retried", { failed: result.failed });
  return { ...result, nextCursor: orgs.length > batch.batchSize ? page.at(-1)!.id : null };
}

/** The given orgs synced again (those that have since lost their customer are skipped). */
export async function syncOrganizations(organizationIds: string[]) {
  const orgs = await db.organization.findMany({
    where: { id: { in: organizationIds }, stripeCustomerId: { not: null } },
    orderBy: { id: "asc" },
    select: { id: true, stripeCustomerId: true },
  });
  return syncEach(orgs);
}

/**
 * Every batch in turn, then up to HAND_RETRIES passes over the orgs that failed, for the CLI and
 * tests. `failed` is what still fails after them, logged at error level.
 */
export async function runBillingSyncToEnd(batchSize = 100) {
  const total = { synced: 0, failed: [] as OrgFailure[], batches: 0 };
  let cursor: string | null = null;
  do {
    const result = await runBillingSync({ cursor, batchSize });
    total.synced += result.synced;
    total.failed.push(...result.failed);
    total.batches++;
    cursor = result.nextCursor;
  } while (cursor);
  for (let pass = 0; pass < HAND_RETRIES && total.failed.length; pass++) {
    const again = await syncOrganizations(total.failed.map((f) => f.organizationId));
    total.synced += again.synced;
    total.failed = again.failed;
  }
  if (total.failed.length) logger.error("billing sync: organizations still failing after retries", { failed: total.failed });
  return total;
}
