/**
 * Stripe webhook ingestion. The signature is checked on the raw body before anything is parsed;
 * a signed body that is not an event this app can store is a 400 (stripe-event.ts). Every event
 * is stored once by its Stripe id (INSERT … ON CONFLICT DO NOTHING), its payload the text that
 * was signed, and claimed with a lease, so a redelivery, however concurrent, has no second
 * effect. Handling takes only the customer id from the payload and runs the convergent sync.
 * Failures propagate (the route logs them and answers 500, and Stripe redelivers); the row keeps
 * the error and the attempt count.
 */
import { randomUUID } from "node:crypto";
import { env } from "~/env";
import { parseStripeEvent } from "~/server/billing/stripe-event";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { stripe } from "~/server/clients/stripe";
import { AppError } from "~/server/errors";

/** The event families this app acts on; anything else is stored as IGNORED. */
const HANDLED_PREFIXES = ["customer.", "checkout.session.", "invoice.", "payment_intent.", "payment_method.", "subscription_schedule."];
/** How long one delivery may hold an event before another may take it over. */
const LEASE_SECONDS = 120;

export type WebhookOutcome =
  | { received: true; status: "processed" | "ignored"; reason?: string }
  | { received: true; status: "duplicate"; previous: string };

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

export async function handleStripeWebhook(rawBody: string, signature: string | null): Promise<WebhookOutcome> {
  verifySignature(rawBody, signature);
  const event = parseStripeEvent(rawBody);
  const { customerId } = event;
  await db.$executeRaw`
    INSERT INTO "BillingEvent" ("id", "stripeEventId", "type", "stripeCustomerId", "apiVersion", "livemode", "payload", "stripeCreatedAt", "status", "attempts", "receivedAt")
    VALUES (${randomUUID()}, ${event.id}, ${event.type}, ${customerId}, ${event.api_version ?? null}, ${event.livemode},
            ${rawBody}, ${new Date(event.created * 1000)}, 'RECEIVED', 0, now())
    ON CONFLICT ("stripeEventId") DO NOTHING`;

  // Claim: only one delivery processes an event at a time; a finished one is never redone.
  const claimed = await db.$queryRaw<{ id: string }[]>`
    UPDATE "BillingEvent"
       SET "status" = 'PROCESSING', "attempts" = "attempts" + 1, "lockedUntil" = now() + make_interval(secs => ${LEASE_SECONDS})
     WHERE "stripeEventId" = ${event.id}
       AND ("status" IN ('RECEIVED', 'FAILED') OR ("status" = 'PROCESSING' AND "lockedUntil" < now()))
     RETURNING "id"`;
  if (!claimed.length) {
    const row = await db.billingEvent.findUniqueOrThrow({ where: { stripeEventId: event.id }, select: { status: true } });
    if (row.status === "PROCESSING") {
      // Another delivery holds it; a non-2xx makes Stripe try again once that one has finished.
      throw new AppError("CONFLICT", "This event is being processed by another delivery.", { details: { reason: "event_in_progress" } });
    }
    return { received: true, status: "duplicate", previous: row.status.toLowerCase() };
  }

  const finish = (status: "PROCESSED" | "IGNORED", organizationId: string | null, note: string | null = null) =>
    db.billingEvent.update({
      where: { stripeEventId: event.id },
      data: { status, organizationId, lastError: note, processedAt: new Date(), lockedUntil: null },
    });
  try {
    if (!handled(event.type)) {
      await finish("IGNORED", null, `event type ${event.type} is not handled`);
      return { received: true, status: "ignored", reason: "unhandled_type" };
    }
    if (!customerId) {
      await finish("IGNORED", null, "the event names no customer");
      return { received: true, status: "ignored", reason: "no_customer" };
    }
    const result = await syncStripeCustomer(customerId);
    if (result.status === "unknown_customer") {
      await finish("IGNORED", null, `customer ${customerId} belongs to no organization of this app`);
      return { received: true, status: "ignored", reason: "unknown_customer" };
    }
    await finish("PROCESSED", result.organizationId);
    return { received: true, status: "processed" };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db.billingEvent.update({ where: { stripeEventId: event.id }, data: { status: "FAILED", lastError: message.slice(0, 2000), lockedUntil: null } });
    // Whatever failed (a Stripe 404 included), the event is fine and we are not: 500, Stripe retries.
    throw new AppError("INTERNAL", "Processing this event failed; it will be retried.", { cause: error, details: { reason: "processing_failed" } });
  }
}
