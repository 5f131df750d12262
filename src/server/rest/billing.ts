import { publicPlans } from "~/server/billing/plans";
import { processAfterDebounce } from "~/server/billing/billing-event-queue";
import { STRIPE_EVENT_MAX_BYTES } from "~/server/billing/stripe-event";
import { receiveStripeWebhook } from "~/server/billing/stripe-webhook";
import { readBodyText } from "~/server/http/read-body";
import type { RunAfterResponse } from "~/server/http/run-after-response";
import { sendEnqueuedNotifications } from "~/server/notifications/after-response";
import { jsonRoute } from "~/server/rest/json-route";


/**
 * POST /api/billing/webhooks/stripe: the raw body (413 past the cap) and signature in, the event
 * stored, the answer out — no Stripe call before it. A queued (or redelivered) event's customer is
 * processed after the response; the drain job is the backstop if that never runs.
 */
export const stripeWebhookRoute = (runAfterResponse: RunAfterResponse) =>
  jsonRoute(async (req) => {
    const rawBody = await readBodyText(req, STRIPE_EVENT_MAX_BYTES);
    const { customerId, ...outcome } = await receiveStripeWebhook(rawBody, req.headers.get("stripe-signature"));
    // The sync may enqueue billing emails (trial started, payment failed…): sent once it is done.
    if (customerId) runAfterResponse(() => processAfterDebounce(customerId).then(sendEnqueuedNotifications));
    return Response.json(outcome);
  });

/** GET /api/billing/plans: the public plan table (prices in cents, limits; no Stripe ids). */
export const plansRoute = jsonRoute(async () =>
  Response.json({ plans: publicPlans() }, { headers: { "cache-control": "public, max-age=300" } }),
);
