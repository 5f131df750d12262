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
  const customer = await stripe().customers.create(
    { name: org.name, email: org.memberships[0]?.user.email, metadata: { organizationId } },
    { idempotencyKey: `vantflow-customer-${organizationId}` },
  );
  await db.organization.updateMany({ where: { id: organizationId, stripeCustomerId: null }, data: { stripeCustomerId: customer.id } });
  const stored = await db.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { stripeCustomerId: true } });
  return stored.stripeCustomerId!;
}
