/**
 * Stripe webhook intake, one database round trip and no Stripe call: the signature is checked on
 * the raw body before anything is parsed (a signed body that is not an event this app can store
 * is a 400, stripe-event.ts), then the event is stored once by its Stripe id in ONE statement
 * (INSERT … ON CONFLICT DO NOTHING), its payload the text that was signed. An event this app does
 * not act on (its type, or no customer) is stored IGNORED with a note; every other one RECEIVED,
 * for billing-event-queue.ts to process after the response. A redelivery, however concurrent,
 * inserts nothing and answers "duplicate".
 */
import { randomUUID } from "node:crypto";
import { env } from "~/env";
import { parseStripeEvent } from "~/server/billing/stripe-event";
import { db } from "~/server/clients/db";
import { stripe } from "~/server/clients/stripe";
import { AppError } from "~/server/errors";

/** The event families this app acts on; anything else is stored as IGNORED. */
const HANDLED_PREFIXES = ["customer.", "checkout.session.", "invoice.", "payment_intent.", "payment_method.", "subscription_schedule."];

export type IntakeOutcome =
  | { received: true; status: "queued" | "duplicate"; customerId: string | null }
  | { received: true; status: "ignored"; reason: "unhandled_type" | "no_customer"; customerId: null };

/** Throws a 400 unless `signature` is Stripe's for this exact body (and recent). */
function verifySignature(rawBody: string, signature: string | null) {
  const secret = env.STRIPE_WEBHOOK_SECRET;
  if (!secret) throw new AppError("UNAVAILABLE", "STRIPE_WEBHOOK_SECRET is not set.");
  if (!signature) throw new AppError("BAD_REQUEST", "Missing Stripe-Signature header.", { details: { reason: "invalid_signature" } });
  const verifier = stripe().webhooks.signature; // a configuration failure is ours (5xx), not a bad signature
  if (!verifier) throw new AppError("INTERNAL", "The Stripe SDK has no webhook signature verifier.");
  try {
    verifier.verifyHeader(rawBody, signature, secret);
  } catch (error) {
    throw new AppError("BAD_REQUEST", "The Stripe-Signature does not match this payload.", {
      details: { reason: "invalid_signature" },
      cause: error,
    });
  }
}

const handled = (type: string) => HANDLED_PREFIXES.some((prefix) => type.startsWith(prefix));

/** Why an event is stored IGNORED without processing, or null when it is queued for its customer. */
function ignoredReason(type: string, customerId: string | null) {
  if (!handled(type)) return { reason: "unhandled_type" as const, note: `event type ${type} is not handled` };
  if (!customerId) return { reason: "no_customer" as const, note: "the event names no customer" };
  return null;
}

/** Verifies, parses and stores one delivery; processing is the caller's to schedule (queued only). */
export async function receiveStripeWebhook(rawBody: string, signature: string | null): Promise<IntakeOutcome> {
  verifySignature(rawBody, signature);
  const event = parseStripeEvent(rawBody);
  const ignored = ignoredReason(event.type, event.customerId);
  const inserted = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO "BillingEvent" ("id", "stripeEventId", "type", "stripeCustomerId", "apiVersion", "livemode", "payload", "stripeCreatedAt",
                                "status", "attempts", "lastError", "receivedAt", "processedAt")
    VALUES (${randomUUID()}, ${event.id}, ${event.type}, ${event.customerId}, ${event.api_version ?? null}, ${event.livemode},
            ${rawBody}, ${new Date(event.created * 1000)},
            ${ignored ? "IGNORED" : "RECEIVED"}::"BillingEventStatus", 0, ${ignored?.note ?? null}, now(), ${ignored ? new Date() : null})
    ON CONFLICT ("stripeEventId") DO NOTHING
    RETURNING "id"`;
  if (ignored) {
    return inserted.length
      ? { received: true, status: "ignored", reason: ignored.reason, customerId: null }
      : { received: true, status: "duplicate", customerId: null };
  }
  return { received: true, status: inserted.length ? "queued" : "duplicate", customerId: event.customerId };
}
