import pg from "pg";
import Stripe from "stripe";
import { stripeConnection } from "../../src/server/clients/stripe-connection";
import { problem, SKIPPED, valueOf, type CheckOutcome, type PreflightConfig } from "./problems";

/** How many linked customers one preflight looks up (the newest-changed orgs first): a sample, not a reconcile. */
export const CUSTOMER_SAMPLE = 25;

/**
 * The orgs' Stripe customers exist in the account of STRIPE_SECRET_KEY. After a move to another
 * account (the stand-ins → real Stripe) they do not: the daily reconcile then refuses to unlink
 * them all (it cannot tell a move from a wrong key), so the operator runs the resync on purpose.
 */
export async function checkLinkedCustomers(config: PreflightConfig): Promise<CheckOutcome> {
  const key = valueOf(config, "STRIPE_SECRET_KEY");
  const url = valueOf(config, "DATABASE_URL");
  if (!key || !url) return SKIPPED;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  let linked: string[];
  try {
    await client.connect();
    const rows = await client.query<{ id: string }>(
      `SELECT "stripeCustomerId" AS id FROM "Organization" WHERE "stripeCustomerId" IS NOT NULL ORDER BY "updatedAt" DESC LIMIT ${CUSTOMER_SAMPLE}`,
    );
    linked = rows.rows.map((r) => r.id);
  } catch {
    return SKIPPED; // an unreachable or unmigrated database is the database check's to name
  } finally {
    await client.end().catch(() => undefined);
  }
  const stripe = new Stripe(key, { ...stripeConnection(valueOf(config, "STRIPE_API_BASE")), maxNetworkRetries: 0 });
  let unknown = 0;
  for (const id of linked) {
    try {
      if ((await stripe.customers.retrieve(id)).deleted) unknown++;
    } catch (error) {
      if ((error as { code?: string }).code === "resource_missing") unknown++;
      else return SKIPPED; // a refused key or an outage is the price check's to name
    }
  }
  if (!unknown) return [];
  return [
    problem(
      "STRIPE_SECRET_KEY",
      `${unknown} of ${linked.length} linked Stripe customers checked do not exist in this account (another account's, or the stand-ins'); if the move is intended, run npm run billing:resync-customers: those orgs are unlinked and fall back to Free`,
    ),
  ];
}
