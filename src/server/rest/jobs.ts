import { env } from "~/env";
import { qstashReceiver } from "~/server/clients/qstash";
import { AppError } from "~/server/errors";
import { JSON_BODY_MAX_BYTES, readBodyText } from "~/server/http/read-body";
import { handleBillingEventsDelivery } from "~/server/jobs/billing-events-delivery";
import { handleBillingSyncDelivery } from "~/server/jobs/billing-sync-delivery";
import { type QStashDelivery } from "~/server/jobs/job-delivery";
import { JOB_PATHS, jobUrl } from "~/server/jobs/job-routes";
import { handleNotificationsDelivery } from "~/server/jobs/notifications-delivery";
import { handleUsageFlushDelivery } from "~/server/jobs/usage-flush-delivery";
import { jsonRoute } from "~/server/rest/json-route";

/**
 * A job route: the body is verified as QStash's (signature over the raw body and the public
 * APP_URL + path it was sent to, always, whatever the environment) before anything runs; a
 * failure is a 5xx so QStash retries.
 */
function qstashJob(path: string, handler: (delivery: QStashDelivery) => Promise<unknown>) {
  return jsonRoute(async (req) => {
    // Capped before the signature is checked: anyone can reach this route. Job payloads are tiny.
    const raw = await readBodyText(req, JSON_BODY_MAX_BYTES);
    const signature = req.headers.get("upstash-signature");
    const receiver = qstashReceiver();
    const url = jobUrl(path, env.APP_URL);
    const valid = signature ? await receiver.verify({ signature, body: raw, url }).catch(() => false) : false;
    if (!valid) throw new AppError("UNAUTHORIZED", "This route only answers QStash.", { details: { reason: "invalid_signature" } });
    // QStash names every message; handling is recorded under that name, so a repeat has no effect.
    const messageId = req.headers.get("upstash-message-id");
    if (!messageId || messageId.length > 128) {
      throw new AppError("BAD_REQUEST", "A QStash delivery carries an Upstash-Message-Id header.", { details: { reason: "missing_message_id" } });
    }
    const retried = Number.parseInt(req.headers.get("upstash-retried") ?? "0", 10);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      throw new AppError("BAD_REQUEST", "The job payload must be JSON.");
    }
    return Response.json(await handler({ messageId, retried: Number.isNaN(retried) ? 0 : retried, body }));
  });
}

/** POST /api/jobs/billing-sync: one batch of the run (the next one enqueued), or a retry of failed orgs. */
export const billingSyncJobRoute = qstashJob(JOB_PATHS.billingSync, handleBillingSyncDelivery);
/** POST /api/jobs/usage-flush: one flush of the usage counters into UsageRecord (hourly schedule). */
export const usageFlushJobRoute = qstashJob(JOB_PATHS.usageFlush, handleUsageFlushDelivery);
/** POST /api/jobs/billing-events: the webhook event drain (every minute; continues itself while events remain due). */
export const billingEventsJobRoute = qstashJob(JOB_PATHS.billingEvents, (delivery) => handleBillingEventsDelivery(delivery));
/** POST /api/jobs/notifications: the email outbox sender (every minute; continues itself while emails remain due). */
export const notificationsJobRoute = qstashJob(JOB_PATHS.notifications, (delivery) => handleNotificationsDelivery(delivery));
