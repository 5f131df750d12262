import type { Actor } from "~/server/orgs/memberships";
import { enforceRateLimit } from "~/server/security/rate-limit";

/**
 * Counts one user-asked read from Stripe (a checkout return, "sync now") against the org's and
 * the user's budgets, before any Stripe call: over either → RATE_LIMITED (429, Retry-After).
 */
export async function throttleStripeSync(actor: Actor) {
  await enforceRateLimit("stripeSyncOrg", actor.organizationId);
  await enforceRateLimit("stripeSyncUser", actor.userId);
}
