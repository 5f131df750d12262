import { after } from "next/server";
import { stripeWebhookRoute } from "~/server/rest/billing";

export const POST = stripeWebhookRoute(after);
