import { env } from "~/env";
import { AppError } from "~/server/errors";
import { readBodyText } from "~/server/http/read-body";
import { applySendGridEvents, parseSendGridEvents, SENDGRID_EVENTS_MAX_BYTES } from "~/server/notifications/email-suppressions";
import { requireEventWebhookKey, verifySendGridEvents } from "~/server/notifications/sendgrid-event-signature";
import { logger } from "~/server/logger";
import { jsonRoute } from "~/server/rest/json-route";

/** Refusals worth a look (a wrong key after a rotation, a clock off, a forgery): logged at warn. */
const LOGGED_REFUSALS = new Set(["signature_invalid", "timestamp_stale"]);

/**
 * POST /api/webhooks/sendgrid: SendGrid's signed Event Webhook. 503 until the key is configured
 * (never accepted unverified); the raw body (413 past the cap) is verified before it is parsed;
 * 200 {received, suppressed, lifted, unsubscribed, ignored}. A failure to write is a 500, and
 * SendGrid redelivers the batch. A bad signature or stale timestamp is logged at warn with the
 * reason and the body's size only: never the body or the signature.
 */
export const sendGridEventsRoute = jsonRoute(async (req) => {
  const publicKey = requireEventWebhookKey(env.SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY);
  const rawBody = await readBodyText(req, SENDGRID_EVENTS_MAX_BYTES);
  try {
    verifySendGridEvents(rawBody, req.headers, publicKey);
  } catch (error) {
    const reason = error instanceof AppError ? error.details.reason : undefined;
    if (typeof reason === "string" && LOGGED_REFUSALS.has(reason)) {
      logger.warn("sendgrid events: batch refused", { reason, bytes: Buffer.byteLength(rawBody, "utf8") });
    }
    throw error;
  }
  const outcome = await applySendGridEvents(parseSendGridEvents(rawBody));
  return Response.json({ received: true, ...outcome });
});
