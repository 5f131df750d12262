import type { LostReason } from "~/server/billing/customer-link";
import { orNull } from "~/server/billing/stripe-values";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { stripe } from "~/server/clients/stripe";
import { logger } from "~/server/logger";

type LinkedOrg = { organizationId: string; customerId: string };
export type LostCustomer = LinkedOrg & { reason: LostReason };
type Failure = { organizationId: string; error: string };

/** What the configured account says of each linked customer, read only: nothing is written. */
export type Survey = { linked: number; missing: LostCustomer[]; failed: Failure[] };

export type ResyncResult =
  | { status: "dry_run"; survey: Survey }
  | { status: "refused"; survey: Survey }
  | {
      status: "applied";
      survey: Survey;
      synced: number;
      lost: LostCustomer[];
      /** Its customer was no longer linked to the org by the time it synced (a concurrent sync got there first): nothing done. */
      unknown: LinkedOrg[];
      failed: Failure[];
    };

export type ResyncOptions = {
  /** false (the default): a dry run, which reports what would be unlinked and changes nothing. */
  apply?: boolean;
  /** Unlink even when not one linked customer exists at the account (else refused: a wrong key looks the same). */
  all?: boolean;
  /** Narrows it to some orgs (tests share one database). */
  organizationIds?: string[];
  batchSize?: number;
  /** The per-customer sync; a test's seam for a change made concurrently with the resync. */
  syncCustomer?: typeof syncStripeCustomer;
};

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Every linked org, by id, a batch at a time. */
async function* linkedOrgs(opts: ResyncOptions): AsyncGenerator<LinkedOrg> {
  let after = "";
  for (;;) {
    const orgs = await db.organization.findMany({
      where: { id: { gt: after, ...(opts.organizationIds ? { in: opts.organizationIds } : {}) }, stripeCustomerId: { not: null } },
      orderBy: { id: "asc" },
      take: opts.batchSize ?? 100,
      select: { id: true, stripeCustomerId: true },
    });
    if (!orgs.length) return;
    for (const org of orgs) yield { organizationId: org.id, customerId: org.stripeCustomerId! };
    after = orgs.at(-1)!.id;
  }
}

/** Looks up each linked customer with the configured key; the dry run reports this, and it guards the real run. */
export async function surveyLinkedCustomers(opts: ResyncOptions = {}): Promise<Survey> {
  const survey: Survey = { linked: 0, missing: [], failed: [] };
  for await (const org of linkedOrgs(opts)) {
    survey.linked++;
    try {
      const customer = await orNull(stripe().customers.retrieve(org.customerId));
      if (!customer || customer.deleted) survey.missing.push({ ...org, reason: customer ? "deleted" : "missing" });
    } catch (error) {
      survey.failed.push({ organizationId: org.organizationId, error: messageOf(error) });
    }
  }
  return survey;
}

/** Not one linked customer exists at the account: a move of every org, or a wrong key, which look alike. */
const noneFound = (survey: Survey) => survey.missing.length > 0 && survey.missing.length + survey.failed.length === survey.linked;

async function syncLinkedCustomers(opts: ResyncOptions, survey: Survey): Promise<ResyncResult> {
  const sync = opts.syncCustomer ?? syncStripeCustomer;
  const result = { status: "applied" as const, survey, synced: 0, lost: [] as LostCustomer[], unknown: [] as LinkedOrg[], failed: [] as Failure[] };
  for await (const org of linkedOrgs(opts)) {
    try {
      const outcome = await sync(org.customerId);
      if (outcome.status === "customer_lost") result.lost.push({ ...org, reason: outcome.reason });
      else if (outcome.status === "unknown_customer") result.unknown.push(org);
      else result.synced++;
    } catch (error) {
      logger.error("resync of a linked customer failed", { organizationId: org.organizationId, error });
      result.failed.push({ organizationId: org.organizationId, error: messageOf(error) });
    }
  }
  return result;
}

/**
 * The operator's deliberate step after moving to another Stripe account (the stand-ins → real
 * Stripe): every linked org's customer synced one at a time by the per-customer sync, so a
 * customer the account does not know (or deleted) is unlinked, its org falls back to Free (the
 * "back on Free" email is queued for an org that had a live paid subscription) and the billing
 * page says so. The daily reconcile refuses this when most customers are missing, since a wrong
 * key looks the same. A dry run unless `apply`; refused, unless `all`, when not one linked
 * customer exists at the account.
 */
export async function resyncLinkedCustomers(opts: ResyncOptions = {}): Promise<ResyncResult> {
  const survey = await surveyLinkedCustomers(opts);
  if (!opts.apply) return { status: "dry_run", survey };
  if (noneFound(survey) && !opts.all) return { status: "refused", survey };
  return syncLinkedCustomers(opts, survey);
}
