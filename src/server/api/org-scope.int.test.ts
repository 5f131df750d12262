import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { appRouter, createCaller } from "~/server/api/root";
import { db } from "~/server/clients/db";
import { ensureStripeCustomer } from "~/server/billing/stripe-customer";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { makeUser } from "~/test/factories";
import { prices, sdk } from "~/test/stripe";

type Procedure = { _def: { type: "query" | "mutation" | "subscription"; inputs: unknown[] } };
// At run time tRPC keeps every procedure in one flat record keyed by its dotted path.
const procedures = appRouter._def.procedures as unknown as Record<string, Procedure>;

/** The keys of every zod object input a procedure declares (chained `.input()`s merge). */
function inputKeys(proc: Procedure): string[] {
  return proc._def.inputs.flatMap((schema) => (schema instanceof z.ZodObject ? Object.keys(schema.shape) : []));
}

/**
 * Valid values for the non-id fields, so the call fails on membership and nothing else; the
 * victim's own card and invoice ids are filled in once they exist.
 */
const otherFields: Record<string, unknown> = {
  name: "Intruder",
  tokenId: "tok_does_not_matter",
  plan: "business",
  interval: "month",
  sessionId: "cs_test_does_not_matter",
  limit: 10,
};

const scoped = Object.entries(procedures).filter(([, p]) => {
  const keys = inputKeys(p);
  return keys.includes("orgId") || keys.includes("projectId");
});

describe("every procedure that takes an org or project id refuses a non-member", () => {
  let victim: Awaited<ReturnType<typeof makeUser>>;
  let victimProjectId: string;
  let intruder: ReturnType<typeof createCaller>;

  beforeAll(async () => {
    victim = await makeUser("Victim");
    const project = await createCaller({ headers: new Headers(), userId: victim.user.id }).project.create({
      orgId: victim.organization.id,
      name: "Secret",
    });
    victimProjectId = project.id;
    // Billing data for the victim: a Stripe customer with a card and a paid subscription, synced.
    const customer = await ensureStripeCustomer(victim.organization.id);
    const pm = await sdk.paymentMethods.attach("pm_card_visa", { customer });
    await sdk.customers.update(customer, { invoice_settings: { default_payment_method: pm.id } });
    await sdk.subscriptions.create({ customer, items: [{ price: prices.STRIPE_PRICE_PRO_MONTHLY! }] });
    await syncStripeCustomer(customer);
    otherFields.paymentMethodId = pm.id;
    otherFields.invoiceId = (await db.invoiceRecord.findFirstOrThrow({ where: { organizationId: victim.organization.id } })).id;
    const other = await makeUser("Intruder");
    intruder = createCaller({ headers: new Headers(), userId: other.user.id });
  });

  it("finds the scoped procedures by their input schemas", () => {
    expect(scoped.map(([path]) => path).sort()).toEqual(
      expect.arrayContaining([
        "org.get",
        "org.members",
        "project.create",
        "project.get",
        "project.list",
        "token.create",
        "token.list",
        "token.revoke",
        "billing.overview",
        "billing.createCheckoutSession",
        "billing.removePaymentMethod",
        "billing.setDefaultPaymentMethod",
        "invoices.list",
        "invoices.get",
      ]),
    );
  });

  it.each(scoped.map(([path]) => path))("%s", async (path) => {
    const proc = procedures[path]!;
    const keys = inputKeys(proc);
    const input = Object.fromEntries(
      keys.map((k) => [k, k === "orgId" ? victim.organization.id : k === "projectId" ? victimProjectId : otherFields[k]]),
    );
    const before = await snapshot(victim.organization.id);
    const call = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], intruder) as (
      input: unknown,
    ) => Promise<unknown>;
    const error = await call(input).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    expect(["FORBIDDEN", "NOT_FOUND"]).toContain((error as TRPCError).code);
    expect(await snapshot(victim.organization.id)).toEqual(before);
  });

  it("lets the member through the same procedures", async () => {
    const own = createCaller({ headers: new Headers(), userId: victim.user.id });
    await expect(own.project.list({ orgId: victim.organization.id })).resolves.toHaveLength(1);
    await expect(own.project.get({ projectId: victimProjectId })).resolves.toMatchObject({ name: "Secret" });
  });

  it("refuses a signed-out caller", async () => {
    const anon = createCaller({ headers: new Headers(), userId: null });
    await expect(anon.org.list()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

async function snapshot(organizationId: string) {
  const [projects, tokens, memberships, subscriptions, invoices, paymentMethods, org] = await Promise.all([
    db.project.findMany({ where: { organizationId }, orderBy: { id: "asc" } }),
    db.apiToken.findMany({ where: { organizationId }, orderBy: { id: "asc" }, select: { id: true, revokedAt: true } }),
    db.membership.count({ where: { organizationId } }),
    db.subscription.findMany({ where: { organizationId }, omit: { lastSyncedAt: true, updatedAt: true } }),
    db.invoiceRecord.findMany({ where: { organizationId }, omit: { updatedAt: true } }),
    db.paymentMethod.findMany({ where: { organizationId }, omit: { updatedAt: true } }),
    db.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { stripeCustomerId: true, trialUsedAt: true } }),
  ]);
  return { projects, tokens, memberships, subscriptions, invoices, paymentMethods, org };
}
