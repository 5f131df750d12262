import { createHash } from "node:crypto";
import { unlinkLostCustomer } from "~/server/billing/customer-link";
import { db } from "~/server/clients/db";
import { stripe } from "~/server/clients/stripe";

/** The stored customer as Stripe has it now: null once Stripe deleted it or does not know it (then unlinked). */
async function liveCustomer(customerId: string): Promise<string | null> {
  const customer = await stripe()
    .customers.retrieve(customerId)
    .catch((error: unknown) => {
      if ((error as { code?: string }).code === "resource_missing") return null;
      throw error;
    });
  if (customer && !customer.deleted) return customerId;
  await unlinkLostCustomer(customerId, customer ? "deleted" : "missing");
  return null;
}

/**
 * The org's one Stripe customer, created on first need and again when Stripe lost the previous
 * one. The idempotency key is derived from the org, the customer's parameters and the customer it
 * replaces, so two racing first clicks make one customer (Stripe replays the first response),
 * while a replacement is a new request; the conditional update keeps whichever id was stored first.
 */
export async function ensureStripeCustomer(organizationId: string): Promise<string> {
  const org = await db.organization.findUniqueOrThrow({
    where: { id: organizationId },
    select: {
      name: true,
      stripeCustomerId: true,
      lostStripeCustomerId: true,
      memberships: { where: { role: "OWNER" }, orderBy: { createdAt: "asc" }, take: 1, select: { user: { select: { email: true } } } },
    },
  });
  if (org.stripeCustomerId && (await liveCustomer(org.stripeCustomerId))) return org.stripeCustomerId;
  const replaces = org.stripeCustomerId ?? org.lostStripeCustomerId ?? "none";
  const params = { name: org.name, email: org.memberships[0]?.user.email, metadata: { organizationId } };
  // Stripe refuses a reused key with other params: the key covers them, so a rename within the
  // key's 24 hours makes a fresh request instead of an idempotency error.
  const fingerprint = createHash("sha256").update(JSON.stringify([params, replaces])).digest("base64url").slice(0, 16);
  const customer = await stripe().customers.create(params, { idempotencyKey: `vantflow-customer-${organizationId}-${fingerprint}` });
  await db.organization.updateMany({ where: { id: organizationId, stripeCustomerId: null }, data: { stripeCustomerId: customer.id } });
  const stored = await db.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { stripeCustomerId: true } });
  return stored.stripeCustomerId!;
}
