import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { appRouter, createCaller } from "~/server/api/root";
import { ensureStripeCustomer } from "~/server/billing/stripe-customer";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import { makeUser } from "~/test/factories";
import { payOnHostedPage, prices, sdk } from "~/test/stripe";

type Procedure = { _def: { type: "query" | "mutation" | "subscription" } };
const procedures = appRouter._def.procedures as unknown as Record<string, Procedure>;
const billingMutations = Object.entries(procedures)
  .filter(([path, p]) => path.startsWith("billing.") && p._def.type === "mutation")
  .map(([path]) => path);

describe("a MEMBER of the org", () => {
  let orgId: string;
  let member: ReturnType<typeof createCaller>;
  let input: Record<string, unknown>;

  beforeAll(async () => {
    const owner = await makeUser("Owner");
    orgId = owner.organization.id;
    const customer = await ensureStripeCustomer(orgId);
    const pm = await sdk.paymentMethods.attach("pm_card_visa", { customer });
    await sdk.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
    await sdk.subscriptions.create({ customer, items: [{ price: prices.STRIPE_PRICE_PRO_MONTHLY! }] });
    await syncStripeCustomer(customer);
    const other = await makeUser("Member");
    await db.membership.create({ data: { userId: other.user.id, organizationId: orgId, role: "MEMBER" } });
    member = createCaller({ headers: new Headers(), userId: other.user.id });
    input = { orgId, plan: "business", interval: "month", paymentMethodId: pm.id, sessionId: "cs_test_not_checked" };
  });

  it("covers the billing mutations", () => {
    expect(billingMutations).toEqual(
      expect.arrayContaining([
        "billing.createCheckoutSession",
        "billing.completeCheckout",
        "billing.changePlan",
        "billing.cancel",
        "billing.resume",
        "billing.cancelPendingChange",
        "billing.portal",
        "billing.syncNow",
        "billing.addPaymentMethod",
        "billing.removePaymentMethod",
        "billing.setDefaultPaymentMethod",
      ]),
    );
  });

  it.each(billingMutations)("gets FORBIDDEN on %s and changes nothing", async (path) => {
    const before = await db.subscription.findMany({ where: { organizationId: orgId }, select: { status: true, plan: true, cancelAtPeriodEnd: true } });
    const call = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], member) as (i: unknown) => Promise<unknown>;
    const error = await call(input).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("FORBIDDEN");
    expect(await db.subscription.findMany({ where: { organizationId: orgId }, select: { status: true, plan: true, cancelAtPeriodEnd: true } })).toEqual(before);
    expect(await db.paymentMethod.count({ where: { organizationId: orgId } })).toBe(1);
  });

  it("gets FORBIDDEN completing the org's own paid card setup: the org's sync does not run", async () => {
    const owner = await makeUser("Card Owner");
    const ownOrg = owner.organization.id;
    const ownerCaller = createCaller({ headers: new Headers(), userId: owner.user.id });
    const { url } = await ownerCaller.billing.addPaymentMethod({ orgId: ownOrg });
    const back = new URL(await payOnHostedPage(url));
    const sessionId = back.searchParams.get("session_id")!;
    const other = await makeUser("Card Member");
    await db.membership.create({ data: { userId: other.user.id, organizationId: ownOrg, role: "MEMBER" } });
    const asMember = createCaller({ headers: new Headers(), userId: other.user.id });

    await expect(asMember.billing.completeCheckout({ orgId: ownOrg, sessionId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db.paymentMethod.count({ where: { organizationId: ownOrg } })).toBe(0);

    // The owner's own return still completes it.
    await expect(ownerCaller.billing.completeCheckout({ orgId: ownOrg, sessionId })).resolves.toMatchObject({ mode: "setup", status: "complete" });
    expect(await db.paymentMethod.findMany({ where: { organizationId: ownOrg }, select: { isDefault: true } })).toEqual([{ isDefault: true }]);
  });

  it("gets FORBIDDEN on the plan-change preview, which quotes the org's card", async () => {
    await expect(member.billing.previewChange({ orgId, plan: "business", interval: "month" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("can still read the org's billing overview, invoices, usage and budgets (everything the overview page renders)", async () => {
    await expect(member.billing.overview({ orgId })).resolves.toMatchObject({ plan: "pro", status: "active" });
    await expect(member.invoices.list({ orgId })).resolves.toMatchObject({ items: [{ status: "paid", amountPaid: 2900 }] });
    await expect(member.usage.current({ orgId })).resolves.toContainEqual(expect.objectContaining({ metric: "team_members", current: 2, limit: 5 }));
    await expect(member.usage.budgets({ orgId })).resolves.toMatchObject({ canSet: false });
  });
});
