import { createHash } from "node:crypto";
import { db } from "~/server/clients/db";
import { stripe } from "~/server/clients/stripe";

/**
 * The org's one Stripe customer, created on first need. The idempotency key is derived from the
 * org, so two racing first clicks make one customer (Stripe replays the first response), and
 * the conditional update keeps whichever id was stored first.
 */
export async function ensureStripeCustomer(organizationId: string): Promise<string> {
  const org = await db.organization.findUniqueOrThrow({
    where: { id: organizationId },
    select: {
      name: true,
      stripeCustomerId: true,
      memberships: { where: { role: "OWNER" }, orderBy: { createdAt: "asc" }, take: 1, select: { user: { select: { email: true } } } },
    },
  });
  if (org.stripeCustomerId) return org.stripeCustomerId;
  const params = { name: org.name, email: org.memberships[0]?.user.email, metadata: { organizationId } };
  // Stripe refuses a reused key with other params: the key covers them, so a rename within the
  // key's 24 hours makes a fresh request instead of an idempotency error.
  const fingerprint = createHash("sha256").update(JSON.stringify(params)).digest("base64url").slice(0, 16);
  const customer = await stripe().customers.create(params, { idempotencyKey: `vantflow-customer-${organizationId}-${fingerprint}` });
  await db.organization.updateMany({ where: { id: organizationId, stripeCustomerId: null }, data: { stripeCustomerId: customer.id } });
  const stored = await db.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { stripeCustomerId: true } });
  return stored.stripeCustomerId!;
}
