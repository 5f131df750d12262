/**
 * The `usage-alert` emails of newly recorded alerts, enqueued in the transaction that inserted the
 * alert rows (so a rolled-back insert sends nothing, and a crossing already recorded enqueues
 * nothing again). One email per recipient and threshold: each carries the recipient's own
 * unsubscribe link and RFC 8058 headers. The dedupe key names the alert, so even a second
 * recording path could not send it twice.
 */
import { env } from "~/env";
import type { Prisma } from "~/generated/prisma/client";
import type { Metric } from "~/server/billing/plans";
import { enqueueEmail } from "~/server/notifications/enqueue-email";
import { orgRecipients } from "~/server/notifications/recipients";
import { usageAlert } from "~/server/notifications/templates/usage-alert";
import { usageAlertUnsubscribe } from "~/server/notifications/unsubscribe";
import type { AlertThreshold } from "~/server/usage/alerts";
import { nextMonthStart } from "~/server/usage/periods";
import { METRIC_UNITS, UPGRADE_URL, type LimitType } from "~/server/usage/quota";

export interface NewAlerts {
  organizationId: string;
  metric: string;
  period: string;
  thresholds: AlertThreshold[];
  limitType: LimitType;
  used: number;
  limit: number;
}

export const usageAlertDedupeKey = (a: Omit<NewAlerts, "thresholds" | "used" | "limit">, threshold: AlertThreshold) =>
  `usage-alert:${a.organizationId}:${a.metric}:${a.period}:${threshold}${a.limitType === "budget" ? ":budget" : ""}`;

export async function enqueueUsageAlertEmails(tx: Prisma.TransactionClient, alerts: NewAlerts) {
  if (alerts.thresholds.length === 0) return;
  const [organization, recipients] = await Promise.all([
    tx.organization.findUnique({ where: { id: alerts.organizationId }, select: { name: true } }),
    orgRecipients(tx, alerts.organizationId, "usage_alert"),
  ]);
  if (!organization) return;
  const [year, month] = alerts.period.split("-").map(Number) as [number, number];
  const base = {
    organizationName: organization.name,
    metricLabel: METRIC_UNITS[alerts.metric as Metric] ?? alerts.metric,
    used: alerts.used,
    limit: alerts.limit,
    limitType: alerts.limitType,
    resetsAt: nextMonthStart(new Date(Date.UTC(year, month - 1, 1))).toISOString(),
    upgradeUrl: new URL(UPGRADE_URL, env.APP_URL).toString(),
    billingUrl: new URL("/dashboard/billing", env.APP_URL).toString(),
  };
  for (const threshold of alerts.thresholds) {
    for (const recipient of recipients) {
      const unsubscribe = recipient.userId ? usageAlertUnsubscribe(recipient.userId) : null;
      await enqueueEmail(tx, {
        organizationId: alerts.organizationId,
        template: usageAlert,
        props: { ...base, threshold, ...(unsubscribe ? { unsubscribeUrl: unsubscribe.url } : {}) },
        dedupeKey: usageAlertDedupeKey(alerts, threshold),
        recipients: [recipient.email],
        ...(unsubscribe ? { headers: unsubscribe.headers } : {}),
      });
    }
  }
}
