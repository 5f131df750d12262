import { throttleStripeSync } from "~/server/billing/stripe-sync-throttle";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import type { Actor } from "~/server/orgs/memberships";

/** The admin "sync now": the org's customer read again from Stripe (throttled: stripe-sync-throttle.ts). */
export async function syncOrganization(actor: Actor) {
  await throttleStripeSync(actor);
  const org = await db.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { stripeCustomerId: true } });
  if (!org.stripeCustomerId) return { status: "no_customer" as const };
  const result = await syncStripeCustomer(org.stripeCustomerId);
  // A customer Stripe deleted or does not know has just been unlinked: say so, not "up to date".
  if (result.status === "customer_lost") return { status: "customer_lost" as const, reason: result.reason };
  return { status: "synced" as const, at: new Date() };
}
