/**
 * The `usage-alert` emails of recorded alerts, enqueued after the alert rows committed (alerts.ts)
 * in a step of their own: recipients are read and every email rendered first, then one short
 * transaction adds the outbox rows and stamps the alerts' `emailsEnqueuedAt`. A step that fails
 * (a crash, a database error) leaves the alert unstamped, and the notifications job enqueues it
 * later (`enqueuePendingAlertEmails`); the outbox's UNIQUE(dedupeKey, recipient) makes the two
 * paths, or two runs of either, add each email once. One email per recipient and alert: each
 * carries the recipient's own unsubscribe link and RFC 8058 headers.
 */
import { env } from "~/env";
import type { Metric } from "~/server/billing/plans";
import { db } from "~/server/clients/db";
import { logger } from "~/server/logger";
import { noteEnqueued } from "~/server/notifications/after-response";
import { enqueueNotification, type NotificationInput } from "~/server/notifications/enqueue";
import { orgRecipients } from "~/server/notifications/recipients";
import { renderEmail } from "~/server/notifications/render-email";
import { usageAlert, type UsageAlertProps } from "~/server/notifications/templates/usage-alert";
import { usageAlertUnsubscribe } from "~/server/notifications/unsubscribe";
import type { AlertThreshold } from "~/server/usage/alert-thresholds";
import { nextMonthStart } from "~/server/usage/periods";
import { BUDGET_URL, METRIC_UNITS, UPGRADE_URL, type LimitType } from "~/server/usage/quota";

/** The identity of one alert (UsageAlert's unique key). */
export interface AlertIdentity {
  organizationId: string;
  metric: string;
  period: string;
  threshold: AlertThreshold;
  limitType: LimitType;
  /** The limit in force when it was crossed: a budget changed mid-month is a new alert. */
  limit: number;
}

export const usageAlertDedupeKey = (a: AlertIdentity) => `usage-alert:${a.organizationId}:${a.metric}:${a.period}:${a.threshold}:${a.limitType}:${a.limit}`;

const limitName = (limitType: LimitType) => (limitType === "budget" ? "monthly budget" : "plan's monthly limit");
const metricLabel = (metric: string) => METRIC_UNITS[metric as Metric] ?? metric;

/** The bell's title of an alert. */
export const usageAlertTitle = (a: AlertIdentity) =>
  a.threshold === 100 ? `${metricLabel(a.metric)}: ${limitName(a.limitType)} reached` : `${metricLabel(a.metric)}: 80% of the ${limitName(a.limitType)} used`;

/** The enqueue transaction's bounds: it only inserts rows rendered beforehand. */
const ENQUEUE_TX = { maxWait: 2_000, timeout: 5_000 };
/** An unstamped alert younger than this may still be enqueued by the call that recorded it. */
export const PENDING_ALERT_GRACE_MS = 30_000;
/** Alerts one job call enqueues. */
export const PENDING_ALERT_BATCH = 50;

/** Enqueues the emails of the given alerts not stamped yet; returns the outbox rows added. */
export async function enqueueAlertEmails(alertIds: string[], now = new Date()): Promise<number> {
  if (alertIds.length === 0) return 0;
  const alerts = await db.usageAlert.findMany({
    where: { id: { in: alertIds }, emailsEnqueuedAt: null },
    select: {
      id: true,
      organizationId: true,
      metric: true,
      period: true,
      threshold: true,
      limitType: true,
      usedAtCrossing: true,
      limitAtCrossing: true,
      organization: { select: { name: true } },
    },
  });
  if (alerts.length === 0) return 0;
  const recipientsOf = new Map<string, Awaited<ReturnType<typeof orgRecipients>>>();
  for (const orgId of new Set(alerts.map((a) => a.organizationId))) recipientsOf.set(orgId, await orgRecipients(db, orgId, "usage_alert"));

  const emails: NotificationInput[] = [];
  for (const alert of alerts) {
    const identity: AlertIdentity = {
      organizationId: alert.organizationId,
      metric: alert.metric,
      period: alert.period,
      // The columns hold only ALERT_THRESHOLDS and LimitType values (recordCrossings writes no other).
      threshold: alert.threshold as AlertThreshold,
      limitType: alert.limitType as LimitType,
      limit: Number(alert.limitAtCrossing),
    };
    const [year, month] = alert.period.split("-").map(Number) as [number, number];
    const base: Omit<UsageAlertProps, "unsubscribeUrl"> = {
      organizationName: alert.organization.name,
      metricLabel: metricLabel(alert.metric),
      threshold: identity.threshold,
      used: Number(alert.usedAtCrossing),
      limit: identity.limit,
      limitType: identity.limitType,
      resetsAt: nextMonthStart(new Date(Date.UTC(year, month - 1, 1))).toISOString(),
      upgradeUrl: new URL(UPGRADE_URL, env.APP_URL).toString(),
      billingUrl: new URL(BUDGET_URL, env.APP_URL).toString(),
    };
    for (const recipient of recipientsOf.get(alert.organizationId) ?? []) {
      const unsubscribe = recipient.userId ? usageAlertUnsubscribe(recipient.userId) : null;
      const rendered = await renderEmail(usageAlert, {
        ...base,
        ...(unsubscribe ? { unsubscribeUrl: unsubscribe.url } : {}),
      });
      emails.push({
        organizationId: alert.organizationId,
        kind: usageAlert.name,
        dedupeKey: usageAlertDedupeKey(identity),
        recipients: [recipient.email],
        ...rendered,
        ...(unsubscribe ? { headers: unsubscribe.headers } : {}),
      });
    }
  }

  const added = await db.$transaction(async (tx) => {
    let rows = 0;
    for (const email of emails) rows += await enqueueNotification(tx, email);
    await tx.usageAlert.updateMany({
      where: { id: { in: alerts.map((a) => a.id) }, emailsEnqueuedAt: null },
      data: { emailsEnqueuedAt: now },
    });
    return rows;
  }, ENQUEUE_TX);
  // After the commit: a sender pass that started earlier could not have seen the rows.
  if (added > 0) noteEnqueued();
  return added;
}

/** Older unstamped alerts are left alone: an alert a day late is news no more (and one that keeps failing stops being retried). */
export const PENDING_ALERT_MAX_AGE_MS = 86_400_000;

/**
 * The backstop: enqueues the emails of alerts whose recording call did not (it crashed or its
 * enqueue failed), oldest first, each on its own so one that keeps failing does not hold back the
 * others. Called by the notifications job before it sends.
 */
export async function enqueuePendingAlertEmails(now = new Date()): Promise<{ alerts: number; emails: number }> {
  const pending = await db.usageAlert.findMany({
    where: {
      emailsEnqueuedAt: null,
      createdAt: {
        lt: new Date(now.getTime() - PENDING_ALERT_GRACE_MS),
        gt: new Date(now.getTime() - PENDING_ALERT_MAX_AGE_MS),
      },
    },
    orderBy: { createdAt: "asc" },
    take: PENDING_ALERT_BATCH,
    select: { id: true },
  });
  let alerts = 0;
  let emails = 0;
  for (const { id } of pending) {
    try {
      emails += await enqueueAlertEmails([id], now);
      alerts += 1;
    } catch (error) {
      logger.error("usage: could not enqueue a pending usage alert's emails; the next run retries", { alertId: id, error });
    }
  }
  return { alerts, emails };
}
