import { publicPlans } from "~/server/billing/plans";
import { STRIPE_EVENT_MAX_BYTES } from "~/server/billing/stripe-event";
import { handleStripeWebhook } from "~/server/billing/stripe-webhook";
import { readBodyText } from "~/server/http/read-body";
import { jsonRoute } from "~/server/rest/json-route";

/** POST /api/billing/webhooks/stripe: the raw body (413 past the cap) and signature in, the outcome out. */
export const stripeWebhookRoute = jsonRoute(async (req) => {
  const rawBody = await readBodyText(req, STRIPE_EVENT_MAX_BYTES);
  const outcome = await handleStripeWebhook(rawBody, req.headers.get("stripe-signature"));
  return Response.json(outcome);
});

/** GET /api/billing/plans: the public plan table (prices in cents, limits; no Stripe ids). */
export const plansRoute = jsonRoute(async () =>
  Response.json({ plans: publicPlans() }, { headers: { "cache-control": "public, max-age=300" } }),
);
