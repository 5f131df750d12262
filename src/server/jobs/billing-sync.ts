/**
 * The daily billing sync: every org with a Stripe customer is read again from Stripe through the
 * one convergent sync, so a webhook that never arrived cannot leave a row behind for long. It
 * works through one batch per call and returns a cursor for the next, so each call fits a
 * function's time limit; one org's failure is recorded and the rest go on.
 */
import { z } from "zod";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { logger } from "~/server/logger";

export const billingSyncPayload = z.object({
  cursor: z.string().min(1).max(64).nullish(),
  batchSize: z.number().int().min(1).max(500).default(100),
});
export type BillingSyncPayload = z.infer<typeof billingSyncPayload>;

export async function runBillingSync(payload: BillingSyncPayload) {
  const orgs = await db.organization.findMany({
    where: { stripeCustomerId: { not: null }, ...(payload.cursor ? { id: { gt: payload.cursor } } : {}) },
    orderBy: { id: "asc" },
    take: payload.batchSize + 1,
    select: { id: true, stripeCustomerId: true },
  });
  const batch = orgs.slice(0, payload.batchSize);
  let synced = 0;
  const failed: { organizationId: string; error: string }[] = [];
  for (const org of batch) {
    try {
      await syncStripeCustomer(org.stripeCustomerId!);
      synced++;
    } catch (error) {
      failed.push({ organizationId: org.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  if (failed.length) logger.warn("billing sync: some organizations failed", { failed });
  return { synced, failed, nextCursor: orgs.length > payload.batchSize ? batch.at(-1)!.id : null };
}

/** Every batch in turn, for the CLI and tests. */
export async function runBillingSyncToEnd(batchSize = 100) {
  const total = { synced: 0, failed: [] as { organizationId: string; error: string }[], batches: 0 };
  let cursor: string | null = null;
  do {
    const result = await runBillingSync({ cursor, batchSize });
    total.synced += result.synced;
    total.failed.push(...result.failed);
    total.batches++;
    cursor = result.nextCursor;
  } while (cursor);
  return total;
}
