/**
 * Metering when Redis cannot be reached fails open, against PostgreSQL's view: the limit is
 * checked against the last flushed total plus the usage recorded here since, and the usage is
 * written to `UsageFallback`. Overspend is therefore bounded by what Redis counted since its last
 * flush (at most an hour of usage), plus requests in flight. Once Redis answers, each row is added
 * to its counter exactly once, before the flush reads it: the row has the id of the call that
 * timed out, and every call marks its id in Redis as it is applied, so a call Redis applied late
 * (a pause, not a loss) is not added twice.
 */
import { db } from "~/server/clients/db";
import { logger } from "~/server/logger";
import { recordCrossings } from "~/server/usage/alerts";
import type { MeteredMetric } from "~/server/usage/keys";
import { limitAndType } from "~/server/usage/limits";
import { dayOf, monthOf } from "~/server/usage/periods";
import { quotaExceeded } from "~/server/usage/quota";

/** Metering calls that found Redis unreachable since this process started (also in the logs). */
export const meteringFailures = { count: 0 };

/** The month's total as the last flush wrote it (0 when none): the seed of a counter Redis lost. */
export async function flushedUsage(organizationId: string, metric: string, period: string) {
  const row = await db.usageRecord.findUnique({
    where: { organizationId_metric_period: { organizationId, metric, period } },
    select: { quantity: true },
  });
  return Number(row?.quantity ?? 0n);
}

async function pendingFallback(organizationId: string, metric: string, period: string) {
  const sum = await db.usageFallback.aggregate({ where: { organizationId, metric, period, replayedAt: null }, _sum: { quantity: true } });
  return Number(sum._sum.quantity ?? 0n);
}

export async function recordInPostgres(
  organizationId: string,
  metric: MeteredMetric,
  amount: number,
  opts: { enforce: boolean; now: Date; opId: string; cause: unknown },
) {
  meteringFailures.count++;
  logger.error("usage: Redis unreachable; metering falls back to PostgreSQL", { organizationId, metric, amount, error: opts.cause });
  const period = monthOf(opts.now);
  const [{ limit, limitType }, flushed, pending] = await Promise.all([
    limitAndType(organizationId, metric, opts.now),
    flushedUsage(organizationId, metric, period),
    pendingFallback(organizationId, metric, period),
  ]);
  const current = flushed + pending;
  if (opts.enforce && amount > 0 && limit !== null && current + amount > limit) throw quotaExceeded(metric, current, limit, opts.now, limitType);
  if (amount !== 0) {
    // The row carries the call's id: if Redis still applies the call that timed out, the replay skips it.
    await db.usageFallback.create({ data: { id: opts.opId, organizationId, metric, period, day: dayOf(opts.now), quantity: BigInt(amount) } });
    // PostgreSQL's view of the crossing; the replay into Redis may see it too, and the unique key keeps one.
    await recordCrossings(organizationId, metric, period, { before: current, after: current + amount, limit, limitType });
  }
  return { current: current + amount, limit };
}
