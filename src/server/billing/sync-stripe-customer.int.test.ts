import pg from "pg";
import { describe, expect, it } from "vitest";
import { env } from "~/env";
import { getEntitlements } from "~/server/billing/entitlements";
import { ensureStripeCustomer } from "~/server/billing/stripe-customer";
import { db } from "~/server/clients/db";
import { customerOf, makeOwner, subscribe } from "~/test/billing";
import { makeUser } from "~/test/factories";
import { deliver, eventsFor, freshCardNumber, prices, sdk } from "~/test/stripe";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";

/** A card of the customer's own, attached at Stripe directly (not through the app). */
async function attachCard(customer: string) {
  const pm = await sdk.paymentMethods.create({ type: "card", card: { number: freshCardNumber(), exp_month: 1, exp_year: 2031, cvc: "123" } });
  await sdk.paymentMethods.attach(pm.id, { customer });
  return pm.id;
}

const phantom = (organizationId: string, stripeCustomerId: string) =>
  db.subscription.create({
    data: { organizationId, stripeCustomerId, stripeSubscriptionId: `sub_phantom_${organizationId}`, status: "active", plan: "business", interval: "month" },
  });

describe("the convergent sync", () => {
  it("removes a local subscription Stripe does not have, so it no longer sets the plan", async () => {
    const free = await makeOwner();
    const customer = await ensureStripeCustomer(free.orgId);
    await phantom(free.orgId, customer);
    expect((await getEntitlements(free.orgId)).plan).toBe("business");
    await free.caller.billing.syncNow({ orgId: free.orgId });
    expect(await db.subscription.count({ where: { organizationId: free.orgId } })).toBe(0);
    expect(await getEntitlements(free.orgId)).toMatchObject({ plan: "free", status: "none" });

    const pro = await makeOwner();
    await subscribe(pro);
    await phantom(pro.orgId, await customerOf(pro.orgId));
    await pro.caller.billing.syncNow({ orgId: pro.orgId });
    expect((await db.subscription.findMany({ where: { organizationId: pro.orgId } })).map((s) => [s.plan, s.status])).toEqual([["pro", "trialing"]]);
  });

  it("records a second live subscription at Stripe as drift, shows it on the overview, and clears it once one is left", async () => {
    const o = await makeOwner();
    await subscribe(o);
    const customer = await customerOf(o.orgId);
    const second = await sdk.subscriptions.create({ customer, items: [{ price: prices.STRIPE_PRICE_BUSINESS_MONTHLY! }], default_payment_method: await attachCard(customer) });
    await o.caller.billing.syncNow({ orgId: o.orgId });
    const first = await db.subscription.findFirstOrThrow({ where: { organizationId: o.orgId, plan: "pro" } });
    const drift = (await o.caller.billing.overview({ orgId: o.orgId })).drift;
    expect(drift?.subscriptionIds).toEqual([first.stripeSubscriptionId, second.id].sort());
    expect(drift?.since).toBeInstanceOf(Date);

    await sdk.subscriptions.cancel(second.id);
    await o.caller.billing.syncNow({ orgId: o.orgId });
    expect((await o.caller.billing.overview({ orgId: o.orgId })).drift).toBeNull();
  });

  it("unlinks a customer Stripe deleted (customer.deleted): Free, recorded, and the next checkout makes a new customer", async () => {
    const o = await makeOwner();
    await subscribe(o);
    const customer = await customerOf(o.orgId);
    await sdk.customers.del(customer);
    const deleted = (await eventsFor(customer)).find((e) => e.type === "customer.deleted")!;
    expect(await deliver(deleted)).toMatchObject({ status: 200, body: { status: "queued" } });

    const org = await db.organization.findUniqueOrThrow({ where: { id: o.orgId } });
    expect(org).toMatchObject({ stripeCustomerId: null, lostStripeCustomerId: customer, lostStripeCustomerReason: "deleted" });
    expect(await getEntitlements(o.orgId)).toMatchObject({ plan: "free", status: "none" });
    expect((await o.caller.billing.overview({ orgId: o.orgId })).lostCustomer).toMatchObject({ reason: "deleted" });

    const next = await o.caller.billing.createCheckoutSession({ orgId: o.orgId, plan: "pro", interval: "month" });
    expect(next.trial).toBe(false); // the org had its trial with the old customer
    const replacement = await customerOf(o.orgId);
    expect(replacement).not.toBe(customer);
    expect((await sdk.checkout.sessions.list({ customer: replacement })).data).toHaveLength(1);
    // A late event about the deleted customer does not link it again.
    expect(await deliver({ ...deleted, id: `${deleted.id}_late` })).toMatchObject({ status: 200 });
    expect(await customerOf(o.orgId)).toBe(replacement);
  });

  it("unlinks a customer Stripe does not know: Sync now says so instead of 'up to date', and every action works again", async () => {
    const o = await makeOwner();
    await subscribe(o);
    const missing = "cus_unknownToThisAccount";
    await db.organization.update({ where: { id: o.orgId }, data: { stripeCustomerId: missing } });
    expect(await o.caller.billing.syncNow({ orgId: o.orgId })).toEqual({ status: "customer_lost", reason: "missing" });
    expect(await db.organization.findUniqueOrThrow({ where: { id: o.orgId } })).toMatchObject({ stripeCustomerId: null, lostStripeCustomerId: missing });
    expect(await getEntitlements(o.orgId)).toMatchObject({ plan: "free" });

    // Without a sync first: adding a card finds the stored customer gone and makes a new one.
    const p = await makeOwner();
    await db.organization.update({ where: { id: p.orgId }, data: { stripeCustomerId: missing + "2" } });
    const { url } = await p.caller.billing.addPaymentMethod({ orgId: p.orgId });
    expect(url).toContain("/checkout/");
    expect(await customerOf(p.orgId)).toMatch(/^cus_/);
    expect(await db.organization.findUniqueOrThrow({ where: { id: p.orgId } })).toMatchObject({ lostStripeCustomerId: missing + "2", lostStripeCustomerReason: "missing" });
    expect((await subscribe(o)).trial).toBe(false);
  });

  it("first contact: eight events at once, each delivered 5×, for a customer linked only by metadata are never IGNORED", async () => {
    const { organization } = await makeUser();
    const customer = await sdk.customers.create({ email: "first@example.test", metadata: { organizationId: organization.id } });
    const pm = await attachCard(customer.id);
    await sdk.customers.update(customer.id, { invoice_settings: { default_payment_method: pm } });
    await sdk.subscriptions.create({ customer: customer.id, items: [{ price: prices.STRIPE_PRICE_PRO_MONTHLY! }] });
    const events = (await eventsFor(customer.id)).slice(0, 8);
    expect(events).toHaveLength(8);
    const results = await Promise.all(events.flatMap((e) => Array.from({ length: 5 }, () => deliver(e))));
    expect(results.filter((r) => r.body.status === "ignored")).toEqual([]);
    expect(results.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const rows = await db.billingEvent.findMany({ where: { stripeCustomerId: customer.id } });
    expect(rows.map((r) => r.status).filter((s) => s === "IGNORED")).toEqual([]);
    expect(await customerOf(organization.id)).toBe(customer.id);
  });

  it("waits for another write to the org longer than the pool's lock_timeout, then lands", { timeout: 30_000 }, async () => {
    const o = await makeOwner();
    await subscribe(o);
    const customer = await customerOf(o.orgId);
    // Another sync's long write: the org row locked for longer than the pool lets a statement wait.
    const holder = new pg.Client({ connectionString: env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query(`UPDATE "Organization" SET "name" = "name" WHERE "id" = $1`, [o.orgId]);
      const release = setTimeout(() => void holder.query("COMMIT"), env.DATABASE_LOCK_TIMEOUT_MS + 1500);
      const started = Date.now();
      await expect(syncStripeCustomer(customer)).resolves.toMatchObject({ status: "synced", organizationId: o.orgId });
      expect(Date.now() - started).toBeGreaterThan(env.DATABASE_LOCK_TIMEOUT_MS);
      clearTimeout(release);
    } finally {
      await holder.end();
    }
  });
});
