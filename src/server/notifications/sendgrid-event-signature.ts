/**
 * SendGrid's Signed Event Webhook: an ECDSA (P-256) signature of timestamp + raw body, checked
 * with the official `@sendgrid/eventwebhook` against the key SendGrid's settings show
 * (SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY). Nothing is parsed before the signature holds. A signed
 * timestamp older (or newer) than MAX_SKEW_SECONDS is refused, so a captured batch cannot be
 * replayed later; within the window a replay changes nothing (the events are idempotent).
 */
import { EventWebhook } from "@sendgrid/eventwebhook";
import { AppError } from "~/server/errors";

export const SIGNATURE_HEADER = "x-twilio-email-event-webhook-signature";
export const TIMESTAMP_HEADER = "x-twilio-email-event-webhook-timestamp";
export const MAX_SKEW_SECONDS = 600;

const webhook = new EventWebhook();
const converted = new Map<string, ReturnType<EventWebhook["convertPublicKeyToECDSA"]>>();

/** The verifier's key object; a key that does not parse is our misconfiguration (500), not the sender's fault. */
function verificationKey(publicKey: string) {
  let key = converted.get(publicKey);
  if (!key) {
    try {
      key = webhook.convertPublicKeyToECDSA(publicKey);
    } catch (error) {
      throw new AppError("INTERNAL", "SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY is not a valid key.", { cause: error });
    }
    converted.set(publicKey, key);
  }
  return key;
}

const refused = (code: "BAD_REQUEST" | "UNAUTHORIZED", message: string, reason: string) => new AppError(code, message, { details: { reason } });

/** The configured key; 503 `not_configured` without one (checked before the body is read). */
export function requireEventWebhookKey(publicKey: string | undefined): string {
  if (!publicKey) {
    throw new AppError("UNAVAILABLE", "The SendGrid Event Webhook is not configured (SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY).", {
      details: { reason: "not_configured" },
    });
  }
  return publicKey;
}

/**
 * Throws unless `rawBody` carries a valid, fresh SendGrid signature under `publicKey`: 401
 * `signature_missing`, 400 `signature_invalid` or `timestamp_stale`.
 */
export function verifySendGridEvents(rawBody: string, headers: Headers, publicKey: string, now = Date.now()) {
  const signature = headers.get(SIGNATURE_HEADER);
  const timestamp = headers.get(TIMESTAMP_HEADER);
  if (!signature || !timestamp) throw refused("UNAUTHORIZED", "The event batch is not signed.", "signature_missing");
  const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
  if (!Number.isFinite(seconds) || Math.abs(now / 1000 - seconds) > MAX_SKEW_SECONDS) {
    throw refused("BAD_REQUEST", "The event batch's signed timestamp is not recent.", "timestamp_stale");
  }
  const key = verificationKey(publicKey);
  let valid: boolean;
  try {
    valid = webhook.verifySignature(key, rawBody, signature, timestamp);
  } catch {
    valid = false; // a signature that is not base64 DER
  }
  if (!valid) throw refused("BAD_REQUEST", "The event batch's signature does not match it.", "signature_invalid");
}
