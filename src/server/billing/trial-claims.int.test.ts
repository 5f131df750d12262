import { describe, expect, it } from "vitest";
import { db } from "~/server/clients/db";
import { makeOwner, secondOrg, subscribe } from "~/test/billing";
import { freshCardNumber, payOnHostedPage } from "~/test/stripe";

const subscriptionOf = (orgId: string) => db.subscription.findFirstOrThrow({ where: { organizationId: orgId } });

describe("one trial per owner account and per card", () => {
  it("the owner's new org gets no trial, and the plans page is told why", async () => {
    const o = await makeOwner();
    expect((await subscribe(o)).trial).toBe(true);
    const other = await secondOrg(o);
    expect(await other.caller.billing.overview({ orgId: other.orgId })).toMatchObject({ trialAvailable: false, trialUnavailableReason: "owner_had_trial" });
    const started = await other.caller.billing.createCheckoutSession({ orgId: other.orgId, plan: "pro", interval: "month" });
    expect(started).toMatchObject({ trial: false, trialUnavailableReason: "owner_had_trial" });
    // A new user's org is still offered one.
    const fresh = await makeOwner();
    expect(await fresh.caller.billing.overview({ orgId: fresh.orgId })).toMatchObject({ trialAvailable: true, trialUnavailableReason: null });
  });

  it("a card that already had a trial ends the new trial at once: billed now, and the org is told why", async () => {
    const card = freshCardNumber();
    const first = await makeOwner();
    await subscribe(first, card);
    expect(await subscriptionOf(first.orgId)).toMatchObject({ status: "trialing" });

    const second = await makeOwner("Another person, same card");
    expect((await subscribe(second, card)).trial).toBe(true); // Checkout cannot know the card before it is entered
    const sub = await subscriptionOf(second.orgId);
    expect(sub).toMatchObject({ status: "active", plan: "pro" });
    expect(sub.trialEnd!.getTime() - sub.trialStart!.getTime()).toBeLessThan(60_000);
    const overview = await second.caller.billing.overview({ orgId: second.orgId });
    expect(overview).toMatchObject({ status: "active", trialDaysLeft: null, trialRefusedReason: "card_had_trial" });
    const invoices = await second.caller.invoices.list({ orgId: second.orgId });
    expect(invoices.items.map((i) => [i.status, i.amountPaid])).toContainEqual(["paid", 2900]);
    // The first org keeps its trial.
    expect(await subscriptionOf(first.orgId)).toMatchObject({ status: "trialing" });
  });

  it("two orgs of one owner checking out at the same time: exactly one keeps its trial", async () => {
    const a = await makeOwner();
    const b = await secondOrg(a);
    const sessions = await Promise.all([a, b].map((o) => o.caller.billing.createCheckoutSession({ orgId: o.orgId, plan: "pro", interval: "month" })));
    expect(sessions.map((s) => s.trial)).toEqual([true, true]);
    const returns = await Promise.all(sessions.map((s) => payOnHostedPage(s.url)));
    await Promise.all(
      [a, b].map((o, i) => o.caller.billing.completeCheckout({ orgId: o.orgId, sessionId: new URL(returns[i]!).searchParams.get("session_id")! })),
    );
    const statuses = (await Promise.all([a, b].map((o) => subscriptionOf(o.orgId)))).map((s) => s.status).sort();
    expect(statuses).toEqual(["active", "trialing"]);
    const refused = await db.organization.findMany({ where: { id: { in: [a.orgId, b.orgId] }, trialRefusedReason: { not: null } } });
    expect(refused.map((o) => o.trialRefusedReason)).toEqual(["owner_had_trial"]);
  });
});
