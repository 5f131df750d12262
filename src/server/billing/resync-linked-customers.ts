import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { logger } from "~/server/logger";

export type ResyncResult = {
  synced: number;
  lost: { organizationId: string; customerId: string; reason: string }[];
  failed: { organizationId: string; error: string }[];
};

/**
 * Every linked org's customer synced one at a time, by the per-customer sync: a customer the
 * configured Stripe account does not know (or deleted) is unlinked and its org falls back to Free,
 * recorded so the billing page says so. The daily reconcile refuses exactly this when most
 * customers are missing, since a wrong key looks the same; this is the operator's deliberate
 * step after moving to another account (the stand-ins → real Stripe). `organizationIds` narrows
 * it to some orgs (tests share one database).
 */
export async function resyncLinkedCustomers(opts: { organizationIds?: string[]; batchSize?: number } = {}): Promise<ResyncResult> {
  const result: ResyncResult = { synced: 0, lost: [], failed: [] };
  let after = "";
  for (;;) {
    const orgs = await db.organization.findMany({
      where: { id: { gt: after, ...(opts.organizationIds ? { in: opts.organizationIds } : {}) }, stripeCustomerId: { not: null } },
      orderBy: { id: "asc" },
      take: opts.batchSize ?? 100,
      select: { id: true, stripeCustomerId: true },
    });
    if (!orgs.length) return result;
    for (const org of orgs) {
      try {
        const outcome = await syncStripeCustomer(org.stripeCustomerId!);
        if (outcome.status === "customer_lost") result.lost.push({ organizationId: org.id, customerId: org.stripeCustomerId!, reason: outcome.reason });
        else result.synced++;
      } catch (error) {
        logger.error("resync of a linked customer failed", { organizationId: org.id, error });
        result.failed.push({ organizationId: org.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    after = orgs.at(-1)!.id;
  }
}
