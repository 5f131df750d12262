import { describe, expect, it, onTestFinished, vi } from "vitest";

// A small account of its own (isolated-billing.ts): the guard counts every linked org.
const iso = await vi.hoisted(async () => (await import("~/test/isolated-billing")).startIsolatedBilling("reconcile_guard"));

const { db } = await import("~/server/clients/db");
const { reconcileToEnd } = await import("~/server/jobs/billing-reconcile");

const sdk = iso.sdk;
const run = () => reconcileToEnd({ batchSize: 100 });

async function linkedOrg(name: string, customerId?: string) {
  const org = await db.organization.create({ data: { name } });
  const customer = customerId ?? (await sdk.customers.create({ name, metadata: { organizationId: org.id } })).id;
  return db.organization.update({ where: { id: org.id }, data: { stripeCustomerId: customer } });
}

describe("the reconcile's missing-customers guard on a small account", () => {
  it("refuses when every linked customer (here 3, below the share's minimum) is missing: a wrong key unlinks nobody", async () => {
    const foreign = await Promise.all([0, 1, 2].map((i) => linkedOrg(`Foreign ${i}`, `cus_wrongaccount${i}`)));
    const errors = vi.spyOn(console, "error");
    onTestFinished(() => errors.mockRestore());
    await expect(run()).rejects.toMatchObject({ code: "INTERNAL", details: { reason: "customers_missing", linked: 3, missing: 3 } });
    expect(await db.organization.count({ where: { id: { in: foreign.map((o) => o.id) }, stripeCustomerId: null } })).toBe(0);
  });

  it("with some linked customers present, the few missing ones are confirmed at Stripe and unlinked", async () => {
    const present = await Promise.all([0, 1].map((i) => linkedOrg(`Present ${i}`)));
    expect((await run()).failed).toEqual([]);
    const orgs = await db.organization.findMany({ select: { id: true, stripeCustomerId: true, lostStripeCustomerReason: true } });
    for (const org of orgs) {
      const isPresent = present.some((p) => p.id === org.id);
      expect(org.stripeCustomerId === null).toBe(!isPresent);
      if (!isPresent) expect(org.lostStripeCustomerReason).toBe("missing");
    }
  });
});
