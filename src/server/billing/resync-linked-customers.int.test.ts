import { describe, expect, it } from "vitest";
import { unlinkLostCustomer } from "~/server/billing/customer-link";
import { getEntitlements } from "~/server/billing/entitlements";
import { resyncLinkedCustomers } from "~/server/billing/resync-linked-customers";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { customerOf, makeOwner, subscribe } from "~/test/billing";

/**
 * An org linked to a customer of the account it used before (unknown to the configured one),
 * with that account's paid subscription still in our rows.
 */
async function foreignOrg() {
  const owner = await makeOwner();
  const customerId = `cus_previousAccount${owner.orgId}`;
  await db.organization.update({ where: { id: owner.orgId }, data: { stripeCustomerId: customerId } });
  await db.subscription.create({
    data: { organizationId: owner.orgId, stripeCustomerId: customerId, stripeSubscriptionId: `sub_previousAccount${owner.orgId}`, status: "active", plan: "business", interval: "month" },
  });
  return { ...owner, customerId };
}

const linkOf = (orgId: string) => db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { stripeCustomerId: true, lostStripeCustomerId: true } });

describe("moving to another Stripe account (the stand-ins → real Stripe)", () => {
  it("by default only lists what it would unlink, and changes nothing", async () => {
    const known = await makeOwner();
    await subscribe(known);
    const foreign = await foreignOrg();

    const result = await resyncLinkedCustomers({ organizationIds: [known.orgId, foreign.orgId] });

    expect(result).toEqual({
      status: "dry_run",
      survey: { linked: 2, missing: [{ organizationId: foreign.orgId, customerId: foreign.customerId, reason: "missing" }], failed: [] },
    });
    expect(await linkOf(foreign.orgId)).toEqual({ stripeCustomerId: foreign.customerId, lostStripeCustomerId: null });
    expect(await getEntitlements(foreign.orgId)).toMatchObject({ plan: "business" });
  });

  it("with apply (--yes) unlinks the orgs whose customers the account does not know, to Free, and keeps the others", async () => {
    const known = await makeOwner();
    await subscribe(known);
    const foreign = await foreignOrg();
    expect(await getEntitlements(foreign.orgId)).toMatchObject({ plan: "business" });

    const result = await resyncLinkedCustomers({ organizationIds: [known.orgId, foreign.orgId], apply: true });

    const lost = [{ organizationId: foreign.orgId, customerId: foreign.customerId, reason: "missing" }];
    expect(result).toEqual({ status: "applied", survey: { linked: 2, missing: lost, failed: [] }, synced: 1, lost, unknown: [], failed: [] });
    expect(await getEntitlements(foreign.orgId)).toMatchObject({ plan: "free" });
    expect(await db.organization.findUniqueOrThrow({ where: { id: foreign.orgId } })).toMatchObject({
      stripeCustomerId: null,
      lostStripeCustomerId: foreign.customerId,
      lostStripeCustomerReason: "missing",
    });
    expect((await foreign.caller.billing.overview({ orgId: foreign.orgId })).lostCustomer).toMatchObject({ reason: "missing" });
    // Its live paid subscription ended with the link: the "back on Free" email is queued.
    expect(await db.notification.count({ where: { organizationId: foreign.orgId, dedupeKey: `sub:sub_previousAccount${foreign.orgId}:canceled` } })).toBeGreaterThan(0);
    expect(await getEntitlements(known.orgId)).toMatchObject({ plan: "pro" });
    expect(await customerOf(known.orgId)).toMatch(/^cus_/);

    // The next checkout of the unlinked org makes a customer in the new account.
    const { url } = await foreign.caller.billing.createCheckoutSession({ orgId: foreign.orgId, plan: "pro", interval: "month" });
    expect(url).toContain("/checkout/");
    expect(await customerOf(foreign.orgId)).not.toBe(foreign.customerId);
  });

  it("refuses when not one linked customer exists at the account (a wrong key looks the same), unless all", async () => {
    const [a, b] = [await foreignOrg(), await foreignOrg()];
    const organizationIds = [a.orgId, b.orgId];

    const refused = await resyncLinkedCustomers({ organizationIds, apply: true });

    expect(refused).toMatchObject({ status: "refused", survey: { linked: 2, failed: [] } });
    expect(refused.survey.missing).toHaveLength(2);
    expect(await linkOf(a.orgId)).toEqual({ stripeCustomerId: a.customerId, lostStripeCustomerId: null });
    expect(await linkOf(b.orgId)).toEqual({ stripeCustomerId: b.customerId, lostStripeCustomerId: null });

    const forced = await resyncLinkedCustomers({ organizationIds, apply: true, all: true });
    expect(forced).toMatchObject({ status: "applied", synced: 0, unknown: [], failed: [] });
    expect(await linkOf(a.orgId)).toEqual({ stripeCustomerId: null, lostStripeCustomerId: a.customerId });
  });

  it("counts a customer unlinked concurrently (by another sync) as unknown, not as synced", async () => {
    const known = await makeOwner();
    await subscribe(known);
    const foreign = await foreignOrg();
    // A webhook's sync unlinks the foreign customer between the resync's read of the org and its own sync.
    const raced: typeof syncStripeCustomer = async (customerId) => {
      if (customerId === foreign.customerId) await unlinkLostCustomer(customerId, "missing");
      return syncStripeCustomer(customerId);
    };

    const result = await resyncLinkedCustomers({ organizationIds: [known.orgId, foreign.orgId], apply: true, syncCustomer: raced });

    expect(result).toMatchObject({ status: "applied", synced: 1, lost: [], unknown: [{ organizationId: foreign.orgId, customerId: foreign.customerId }], failed: [] });
  });
});
