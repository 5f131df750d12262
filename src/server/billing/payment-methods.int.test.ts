import { describe, expect, it } from "vitest";
import { createCaller } from "~/server/api/root";
import { db } from "~/server/clients/db";
import { makeUser } from "~/test/factories";
import { payOnHostedPage, sdk } from "~/test/stripe";

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
});
