import { publicPlans } from "~/server/billing/plans";
import { handleStripeWebhook } from "~/server/billing/stripe-webhook";
import { jsonRoute } from "~/server/rest/json-route";

/** POST /api/billing/webhooks/stripe: the raw body and signature in, the outcome out. */
export const stripeWebhookRoute = jsonRoute(async (req) => {
  const outcome = await handleStripeWebhook(await req.text(), req.headers.get("stripe-signature"));
  return Response.json(outcome);
});

/** GET /api/billing/plans: the public plan table (prices in cents, limits; no Stripe ids). */
export const plansRoute = jsonRoute(async () =>
  Response.json({ plans: publicPlans() }, { headers: { "cache-control": "public, max-age=300" } }),
);
