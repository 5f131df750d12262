import { env } from "~/env";
import { readBodyText } from "~/server/http/read-body";
import { applySendGridEvents, parseSendGridEvents, SENDGRID_EVENTS_MAX_BYTES } from "~/server/notifications/email-suppressions";
import { requireEventWebhookKey, verifySendGridEvents } from "~/server/notifications/sendgrid-event-signature";
import { jsonRoute } from "~/server/rest/json-route";

/**
 * POST /api/webhooks/sendgrid: SendGrid's signed Event Webhook. 503 until the key is configured
 * (never accepted unverified); the raw body (413 past the cap) is verified before it is parsed;
 * 200 {received, suppressed, unsubscribed, ignored}. A failure to write is a 500, and SendGrid
 * redelivers the batch.
 */
export const sendGridEventsRoute = jsonRoute(async (req) => {
  const publicKey = requireEventWebhookKey(env.SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY);
  const rawBody = await readBodyText(req, SENDGRID_EVENTS_MAX_BYTES);
  verifySendGridEvents(rawBody, req.headers, publicKey);
  const outcome = await applySendGridEvents(parseSendGridEvents(rawBody));
  return Response.json({ received: true, ...outcome });
});
