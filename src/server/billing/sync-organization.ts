import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import type { Actor } from "~/server/orgs/memberships";

/** The admin "sync now": the org's customer read again from Stripe. */
export async function syncOrganization(actor: Actor) {
  const org = await db.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { stripeCustomerId: true } });
  if (!org.stripeCustomerId) return { status: "no_customer" as const };
  await syncStripeCustomer(org.stripeCustomerId);
  return { status: "synced" as const, at: new Date() };
}
