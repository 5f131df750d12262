import { after } from "next/server";
import { stripeWebhookRoute } from "~/server/rest/billing";

/**
 * after() lives as long as the function: the debounce wait (BILLING_EVENT_MAX_WAIT_MS ≤ 60 s,
 * env.ts), a wait for a processing slot and one sync. What it does not finish, the drain does.
 */
export const maxDuration = 120;

export const POST = stripeWebhookRoute(after);
