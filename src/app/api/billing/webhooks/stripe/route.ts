import { stripeWebhookRoute } from "~/server/rest/billing";

export const POST = stripeWebhookRoute;
