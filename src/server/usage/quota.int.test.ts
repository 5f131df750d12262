import { describe, expect, it } from "vitest";
import { createCaller } from "~/server/api/root";
import { ensureStripeCustomer } from "~/server/billing/stripe-customer";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { createProjectRoute } from "~/server/rest/projects";
import { jsonRequest, makeUser } from "~/test/factories";
import { prices, sdk } from "~/test/stripe";

const create = (token: string, name: string) => createProjectRoute(jsonRequest("/api/projects", { token, body: { name } }));

describe("the plan's project limit", () => {
  it("answers the guide's 402 past the Free plan's 3 projects, writes nothing, and lets a Pro org go on", async () => {
    const user = await makeUser("Limited");
    const orgId = user.organization.id;
    for (const name of ["One", "Two", "Three"]) expect((await create(user.token, name)).status).toBe(201);

    const refused = await create(user.token, "Four");
    expect(refused.status).toBe(402);
    expect(await refused.json()).toEqual({
      error: "Quota exceeded",
      message: "Your organization has reached its plan's limit of 3 projects. Upgrade now to create more.",
      quota: { metric: "projects", current: 3, limit: 3, percentage: 100, limitType: "plan" },
      upgradeUrl: "/billing/upgrade",
    });
    expect(await db.project.count({ where: { organizationId: orgId } })).toBe(3);
    const trpcError = await createCaller({ headers: new Headers(), userId: user.user.id })
      .project.create({ orgId, name: "Four" })
      .catch((e: unknown) => e);
    expect(trpcError).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("limit of 3 projects") });

    // Pro (25 projects) through a real subscription, synced from Stripe.
    const customer = await ensureStripeCustomer(orgId);
    const pm = await sdk.paymentMethods.attach("pm_card_visa", { customer });
    await sdk.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
    await sdk.subscriptions.create({ customer, items: [{ price: prices.STRIPE_PRICE_PRO_MONTHLY! }] });
    await syncStripeCustomer(customer);
    expect((await create(user.token, "Four")).status).toBe(201);
  });

  it("lets only one of several concurrent creates take the last slot", async () => {
    const user = await makeUser("Racing");
    for (const name of ["One", "Two"]) expect((await create(user.token, name)).status).toBe(201);
    const statuses = await Promise.all(["A", "B", "C", "D"].map(async (name) => (await create(user.token, name)).status));
    expect(statuses.sort()).toEqual([201, 402, 402, 402]);
    expect(await db.project.count({ where: { organizationId: user.organization.id } })).toBe(3);
  });
});
