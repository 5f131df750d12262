/**
 * Removing a reconcile run's staged Stripe objects. A large account's first run stages its whole
 * history (every invoice as jsonb): one DELETE of all of it could outlast the pool's
 * `statement_timeout` and fail the same way on every retry, so it goes a chunk at a time. Safe
 * to repeat or to stop half-way: staging is only read while a run is applying, and every caller
 * has already moved the run past that.
 */
import { type Prisma } from "~/generated/prisma/client";
import { db } from "~/server/clients/db";

/** Rows per DELETE: well inside the statement timeout even for large payloads. */
export const STAGED_DELETE_CHUNK = 2000;

export async function deleteStagedItems(runs: Prisma.BillingReconcileRunWhereInput) {
  const ids = (await db.billingReconcileRun.findMany({ where: runs, select: { id: true } })).map((run) => run.id);
  let deleted = 0;
  for (const runId of ids) {
    for (;;) {
      const n = await db.$executeRaw`
        DELETE FROM "BillingReconcileItem"
         WHERE ctid IN (SELECT ctid FROM "BillingReconcileItem" WHERE "runId" = ${runId} LIMIT ${STAGED_DELETE_CHUNK})`;
      deleted += n;
      if (n < STAGED_DELETE_CHUNK) break;
    }
  }
  return deleted;
}
