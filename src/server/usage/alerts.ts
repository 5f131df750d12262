/**
 * Usage alerts: a metered metric crossing 80 % or 100 % of the org's limit in force in a month
 * (the plan's, or the owner's budget when that is lower: `limitType` says which). The meter
 * knows the month's total before and after each call (from the script's reply), so a crossing is
 * detected with no extra read; only a call that crossed (rare: a few times a month per metric)
 * writes, in one transaction: `INSERT … ON CONFLICT DO NOTHING RETURNING` on (org, metric,
 * period, threshold, limitType), then the emails of the rows actually inserted, so concurrent
 * calls, retries and the fallback's replay record and email each alert once. Recording never
 * fails the caller's request: a failed transaction is logged (and leaves neither row nor email).
 */
import { db } from "~/server/clients/db";
import { logger } from "~/server/logger";
import { enqueueUsageAlertEmails } from "~/server/usage/alert-emails";
import { monthOf } from "~/server/usage/periods";
import type { LimitType } from "~/server/usage/quota";

/** Percent of the limit at which an alert is recorded. */
export const ALERT_THRESHOLDS = [80, 100] as const;
export type AlertThreshold = (typeof ALERT_THRESHOLDS)[number];

/**
 * The thresholds passed by going from `before` to `after` (integers; exact, no rounding):
 * below t % of the limit before, at or above it after. Unlimited (null) never alerts.
 */
export function crossedThresholds(before: number, after: number, limit: number | null): AlertThreshold[] {
  if (limit === null || after <= before) return [];
  return ALERT_THRESHOLDS.filter((t) => before * 100 < t * limit && after * 100 >= t * limit);
}

/** Records the alerts of a call that moved `metric` from `before` to `after`; a no-op (no I/O) when nothing was crossed. */
export async function recordCrossings(
  organizationId: string,
  metric: string,
  period: string,
  usage: { before: number; after: number; limit: number | null; limitType: LimitType },
) {
  const crossed = crossedThresholds(usage.before, usage.after, usage.limit);
  if (crossed.length === 0 || usage.limit === null) return;
  const { limit, limitType } = usage;
  try {
    await db.$transaction(async (tx) => {
      // createManyAndReturn with skipDuplicates is one INSERT … ON CONFLICT DO NOTHING RETURNING:
      // only the rows this call inserted come back, so a concurrent crossing emails nothing more.
      const inserted = await tx.usageAlert.createManyAndReturn({
        data: crossed.map((threshold) => ({
          organizationId,
          metric,
          period,
          threshold,
          limitType,
          usedAtCrossing: BigInt(usage.after),
          limitAtCrossing: BigInt(limit),
        })),
        skipDuplicates: true,
        select: { threshold: true },
      });
      const thresholds = inserted.map((row) => row.threshold as AlertThreshold);
      await enqueueUsageAlertEmails(tx, { organizationId, metric, period, thresholds, limitType, used: usage.after, limit });
    });
  } catch (error) {
    logger.error("usage: could not record a usage alert", { organizationId, metric, period, thresholds: crossed, error });
  }
}

/** This month's alerts of the org, oldest first. */
export async function alertsOf(organizationId: string, now = new Date()) {
  const rows = await db.usageAlert.findMany({
    where: { organizationId, period: monthOf(now) },
    orderBy: [{ createdAt: "asc" }, { limitType: "asc" }, { threshold: "asc" }],
  });
  return rows.map((row) => ({
    metric: row.metric,
    period: row.period,
    // The column holds only ALERT_THRESHOLDS (recordCrossings writes no other value).
    threshold: row.threshold as AlertThreshold,
    limitType: row.limitType as LimitType,
    usedAtCrossing: Number(row.usedAtCrossing),
    limitAtCrossing: Number(row.limitAtCrossing),
    createdAt: row.createdAt,
  }));
}
