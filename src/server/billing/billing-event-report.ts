/**
 * What the webhook event queue holds, for operators (`npm run billing:events`): how many events
 * are in each status, how long the oldest waiting one has waited, and the latest failures with
 * their attempts, last error and next attempt (null: given up). Read-only; events are never
 * deleted, so this is the whole history.
 */
import { db } from "~/server/clients/db";

export interface BillingEventReport {
  byStatus: Record<string, number>;
  /** Seconds the oldest RECEIVED or PROCESSING event has waited; null when none waits. */
  oldestWaitingSeconds: number | null;
  failed: { stripeEventId: string; type: string; stripeCustomerId: string | null; attempts: number; lastError: string | null; nextAttemptAt: Date | null; receivedAt: Date }[];
}

export async function billingEventReport(opts: { failedLimit?: number } = {}): Promise<BillingEventReport> {
  const [counts, [waiting], failed] = await Promise.all([
    db.billingEvent.groupBy({ by: ["status"], _count: { _all: true } }),
    db.$queryRaw<{ seconds: number | null }[]>`
      SELECT extract(epoch FROM now() - min("receivedAt"))::float8 AS "seconds"
        FROM "BillingEvent" WHERE "status" IN ('RECEIVED', 'PROCESSING')`,
    db.billingEvent.findMany({
      where: { status: "FAILED" },
      orderBy: { receivedAt: "desc" },
      take: opts.failedLimit ?? 20,
      select: { stripeEventId: true, type: true, stripeCustomerId: true, attempts: true, lastError: true, nextAttemptAt: true, receivedAt: true },
    }),
  ]);
  return {
    byStatus: Object.fromEntries(counts.map((c) => [c.status, c._count._all])),
    oldestWaitingSeconds: waiting?.seconds == null ? null : Math.round(waiting.seconds),
    failed,
  };
}
