import { describe, expect, it } from "vitest";
import { getEntitlements } from "~/server/billing/entitlements";
import { resyncLinkedCustomers } from "~/server/billing/resync-linked-customers";
import { db } from "~/server/clients/db";
import { customerOf, makeOwner, subscribe } from "~/test/billing";

describe("moving to another Stripe account (the stand-ins → real Stripe)", () => {
  it("unlinks the orgs whose customers the configured account does not know, to Free, and keeps the others", async () => {
    // Known: subscribed at the configured account. Foreign: linked to a customer of the account
    // it used before, with that account's paid subscription still in our rows.
    const known = await makeOwner();
    await subscribe(known);
    const foreign = await makeOwner();
    const foreignCustomer = `cus_previousAccount${foreign.orgId}`;
    await db.organization.update({ where: { id: foreign.orgId }, data: { stripeCustomerId: foreignCustomer } });
    await db.subscription.create({
      data: { organizationId: foreign.orgId, stripeCustomerId: foreignCustomer, stripeSubscriptionId: `sub_previousAccount${foreign.orgId}`, status: "active", plan: "business", interval: "month" },
    });
    expect(await getEntitlements(foreign.orgId)).toMatchObject({ plan: "business" });

    const result = await resyncLinkedCustomers({ organizationIds: [known.orgId, foreign.orgId] });

    expect(result).toEqual({ synced: 1, lost: [{ organizationId: foreign.orgId, customerId: foreignCustomer, reason: "missing" }], failed: [] });
    expect(await getEntitlements(foreign.orgId)).toMatchObject({ plan: "free" });
    expect(await db.organization.findUniqueOrThrow({ where: { id: foreign.orgId } })).toMatchObject({
      stripeCustomerId: null,
      lostStripeCustomerId: foreignCustomer,
      lostStripeCustomerReason: "missing",
    });
    expect((await foreign.caller.billing.overview({ orgId: foreign.orgId })).lostCustomer).toMatchObject({ reason: "missing" });
    expect(await getEntitlements(known.orgId)).toMatchObject({ plan: "pro" });
    expect(await customerOf(known.orgId)).toMatch(/^cus_/);

    // The next checkout of the unlinked org makes a customer in the new account.
    const { url } = await foreign.caller.billing.createCheckoutSession({ orgId: foreign.orgId, plan: "pro", interval: "month" });
    expect(url).toContain("/checkout/");
    expect(await customerOf(foreign.orgId)).not.toBe(foreignCustomer);
  });
});
