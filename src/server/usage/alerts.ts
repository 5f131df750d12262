/**
 * Usage alerts: a metered metric crossing 80 % or 100 % of the org's limit in force in a month
 * (the plan's, or the owner's budget when that is lower: `limitType` says which). The meter
 * knows the month's total before and after each call (from the script's reply), so a crossing is
 * detected with no extra read; only a call that crossed (rare: a few times a month per metric)
 * writes. An alert is identified by (org, metric, period, threshold, limitType, limit at
 * crossing): a budget raised or lowered mid-month alerts again at its new thresholds, and the
 * same limit alerts once, however many calls cross it at once (`INSERT … ON CONFLICT DO NOTHING
 * RETURNING`). The alert row and its bell entry commit on their own; its emails are enqueued
 * after, in a step that may fail without losing them (alert-emails.ts: the notifications job
 * enqueues what is left). Recording never fails the caller's request: a failure is logged.
 */
import { db } from "~/server/clients/db";
import { logger } from "~/server/logger";
import { addInAppNotifications, BILLING_PAGE, USAGE_ALERT_KIND } from "~/server/notifications/in-app";
import { enqueueAlertEmails, usageAlertDedupeKey, usageAlertTitle, type AlertIdentity } from "~/server/usage/alert-emails";
import { ALERT_THRESHOLDS, type AlertThreshold } from "~/server/usage/alert-thresholds";
import { monthOf } from "~/server/usage/periods";
import type { LimitType } from "~/server/usage/quota";


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
  let recorded: string[];
  try {
    recorded = await db.$transaction(async (tx) => {
      // createManyAndReturn with skipDuplicates is one INSERT … ON CONFLICT DO NOTHING RETURNING:
      // only the rows this call inserted come back, so a concurrent crossing adds nothing more.
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
        select: { id: true, threshold: true },
      });
      const identities = inserted.map((row): AlertIdentity => ({ organizationId, metric, period, threshold: row.threshold as AlertThreshold, limitType, limit }));
      const entries = identities.map((a) => ({ organizationId, kind: USAGE_ALERT_KIND, title: usageAlertTitle(a), link: BILLING_PAGE, dedupeKey: usageAlertDedupeKey(a) }));
      await addInAppNotifications(tx, entries);
      return inserted.map((row) => row.id);
    });
  } catch (error) {
    logger.error("usage: could not record a usage alert", { organizationId, metric, period, thresholds: crossed, error });
    return;
  }
  try {
    await enqueueAlertEmails(recorded);
  } catch (error) {
    logger.warn("usage: could not enqueue a usage alert's emails now; the notifications job will", { organizationId, metric, period, error });
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
