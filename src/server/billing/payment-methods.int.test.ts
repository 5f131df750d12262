import { describe, expect, it } from "vitest";
import { createCaller } from "~/server/api/root";
import { db } from "~/server/clients/db";
import { ensureStripeCustomer } from "~/server/billing/stripe-customer";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { makeUser } from "~/test/factories";
import { payOnHostedPage, prices, sdk } from "~/test/stripe";

describe("payment methods", () => {
  it("adds a card through Checkout in setup mode, makes it the default everywhere, and removes the old one", async () => {
    const owner = await makeUser("Card Owner");
    const orgId = owner.organization.id;
    const caller = createCaller({ headers: new Headers(), userId: owner.user.id });

    const { url } = await caller.billing.createCheckoutSession({ orgId, plan: "pro", interval: "month" });
    const back = new URL(await payOnHostedPage(url));
    await caller.billing.completeCheckout({ orgId, sessionId: back.searchParams.get("session_id")! });
    const [first] = await caller.billing.paymentMethods({ orgId });
    expect(first).toMatchObject({ last4: "4242", isDefault: true });

    // The only card of a live subscription cannot go.
    await expect(caller.billing.removePaymentMethod({ orgId, paymentMethodId: first!.stripePaymentMethodId })).rejects.toMatchObject({
      code: "CONFLICT",
    });

    const setup = await caller.billing.addPaymentMethod({ orgId });
    const returned = new URL(await payOnHostedPage(setup.url, "5555 5555 5555 4444"));
    expect(returned.pathname).toBe("/dashboard/billing/payment-methods");
    await caller.billing.completeCheckout({ orgId, sessionId: returned.searchParams.get("session_id")! });
    const cards = await caller.billing.paymentMethods({ orgId });
    expect(cards.map((c) => [c.brand, c.last4, c.isDefault])).toEqual([
      ["visa", "4242", true],
      ["mastercard", "4444", false],
    ]);

    const mastercard = cards[1]!.stripePaymentMethodId;
    const afterDefault = await caller.billing.setDefaultPaymentMethod({ orgId, paymentMethodId: mastercard });
    expect(afterDefault.find((c) => c.isDefault)?.last4).toBe("4444");
    const sub = await db.subscription.findFirstOrThrow({ where: { organizationId: orgId } });
    expect((await sdk.subscriptions.retrieve(sub.stripeSubscriptionId)).default_payment_method).toBe(mastercard);

    const afterRemove = await caller.billing.removePaymentMethod({ orgId, paymentMethodId: first!.stripePaymentMethodId });
    expect(afterRemove.map((c) => [c.last4, c.isDefault])).toEqual([["4444", true]]);
    expect((await sdk.paymentMethods.retrieve(first!.stripePaymentMethodId)).customer).toBeNull();
  });

  it("refuses another org's card id as NOT_FOUND", async () => {
    const a = await makeUser("Card A");
    const b = await makeUser("Card B");
    const callerA = createCaller({ headers: new Headers(), userId: a.user.id });
    const { url } = await callerA.billing.createCheckoutSession({ orgId: a.organization.id, plan: "pro", interval: "month" });
    await callerA.billing.completeCheckout({ orgId: a.organization.id, sessionId: new URL(await payOnHostedPage(url)).searchParams.get("session_id")! });
    const [card] = await callerA.billing.paymentMethods({ orgId: a.organization.id });
    const callerB = createCaller({ headers: new Headers(), userId: b.user.id });
    await expect(callerB.billing.removePaymentMethod({ orgId: b.organization.id, paymentMethodId: card!.stripePaymentMethodId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await sdk.paymentMethods.retrieve(card!.stripePaymentMethodId)).customer).not.toBeNull();
  });

  it("counts the card a subscription carries as the default, and removing it moves the subscription to another card", async () => {
    // As Stripe's Checkout leaves it: the card on the subscription, none as the customer's default.
    const owner = await makeUser("Sub Card");
    const orgId = owner.organization.id;
    const customer = await ensureStripeCustomer(orgId);
    const visa = await sdk.paymentMethods.attach("pm_card_visa", { customer });
    const sub = await sdk.subscriptions.create({ customer, items: [{ price: prices.STRIPE_PRICE_PRO_MONTHLY! }], default_payment_method: visa.id });
    const mastercard = await sdk.paymentMethods.attach("pm_card_mastercard", { customer });
    await syncStripeCustomer(customer);
    const caller = createCaller({ headers: new Headers(), userId: owner.user.id });
    expect((await caller.billing.paymentMethods({ orgId })).map((c) => [c.last4, c.isDefault])).toEqual([
      ["4242", true],
      ["4444", false],
    ]);
    expect((await caller.billing.overview({ orgId })).defaultCard).toMatchObject({ last4: "4242" });

    await caller.billing.removePaymentMethod({ orgId, paymentMethodId: visa.id });
    expect((await sdk.subscriptions.retrieve(sub.id)).default_payment_method).toBe(mastercard.id);
    expect((await caller.billing.paymentMethods({ orgId })).map((c) => [c.last4, c.isDefault])).toEqual([["4444", true]]);
  });

  it("a card Stripe no longer has attached is a 4xx from Stripe's answer, not a 500", async () => {
    const owner = await makeUser("Stale Card");
    const orgId = owner.organization.id;
    const customer = await ensureStripeCustomer(orgId);
    const visa = await sdk.paymentMethods.attach("pm_card_visa", { customer });
    const other = await sdk.paymentMethods.attach("pm_card_mastercard", { customer });
    await syncStripeCustomer(customer);
    await sdk.paymentMethods.detach(other.id); // e.g. removed in the customer portal; no sync yet
    const caller = createCaller({ headers: new Headers(), userId: owner.user.id });
    const error = await caller.billing.setDefaultPaymentMethod({ orgId, paymentMethodId: other.id }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CONFLICT" });
    expect((await sdk.customers.retrieve(customer)) as { invoice_settings: { default_payment_method: string | null } }).toMatchObject({
      invoice_settings: { default_payment_method: null },
    });
    expect(visa.id).toBeTruthy();
  });

  it("runs one billing change per org at a time: a concurrent second one gets CONFLICT", async () => {
    const owner = await makeUser("Double Click");
    const orgId = owner.organization.id;
    const customer = await ensureStripeCustomer(orgId);
    const a = await sdk.paymentMethods.attach("pm_card_visa", { customer });
    const b = await sdk.paymentMethods.attach("pm_card_mastercard", { customer });
    await syncStripeCustomer(customer);
    const caller = createCaller({ headers: new Headers(), userId: owner.user.id });
    const results = await Promise.allSettled([
      caller.billing.removePaymentMethod({ orgId, paymentMethodId: a.id }),
      caller.billing.removePaymentMethod({ orgId, paymentMethodId: b.id }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = results.find((r) => r.status === "rejected")!;
    expect(rejected.reason).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("in progress") });
    expect(await db.paymentMethod.count({ where: { organizationId: orgId } })).toBe(1);
  });
});
