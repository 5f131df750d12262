import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { createCaller } from "~/server/api/root";
import {
  cancelPendingChange,
  cancelSubscription,
  changePlan,
  createPortalSession,
  previewChange,
  resumeSubscription,
} from "~/server/billing/plan-changes";
import { getBillingOverview } from "~/server/billing/overview";
import { syncStripeCustomer } from "~/server/billing/sync-stripe-customer";
import { db } from "~/server/clients/db";
import type { Actor } from "~/server/orgs/memberships";
import { makeOwner, subscribe } from "~/test/billing";
import { makeUser } from "~/test/factories";
import { advanceCustomerClock, injectStripeFault, payOnHostedPage, prices, sdk } from "~/test/stripe";

const DAY = 86_400;

/**
 * An owner whose org subscribed through hosted Checkout with no trial (it had one already), so
 * the subscription is active and its first period paid.
 */
async function subscribedOwner(plan: "pro" | "business", interval: "month" | "year" = "month") {
  const user = await makeUser("Plan Owner");
  const orgId = user.organization.id;
  const actor: Actor = { userId: user.user.id, organizationId: orgId, role: "OWNER" };
  const caller = createCaller({ headers: new Headers(), userId: user.user.id });
  await db.organization.update({ where: { id: orgId }, data: { trialUsedAt: new Date() } });
  const { url, trial } = await caller.billing.createCheckoutSession({ orgId, plan, interval });
  expect(trial).toBe(false);
  const back = new URL(await payOnHostedPage(url));
  await caller.billing.completeCheckout({ orgId, sessionId: back.searchParams.get("session_id")! });
  const customer = (await db.organization.findUniqueOrThrow({ where: { id: orgId } })).stripeCustomerId!;
  return { actor, orgId, customer };
}

const rowOf = (orgId: string) => db.subscription.findFirstOrThrow({ where: { organizationId: orgId } });
// Newest first; invoices made on one test-clock second tie on `created`, and the customer's invoice
// number (PREFIX-0001, PREFIX-0002, …) then says which came later.
const invoicesOf = (orgId: string) =>
  db.invoiceRecord.findMany({ where: { organizationId: orgId }, orderBy: [{ stripeCreatedAt: "desc" }, { number: "desc" }] });

/** Stripe's proration of `from` → `to` cents at `at` within [start, end): charge minus credit. */
function proration(from: number, to: number, start: number, end: number, at: number) {
  const fraction = (end - at) / (end - start);
  return Math.round(to * fraction) - Math.round(from * fraction);
}

describe("plan changes", () => {
  it("previews an upgrade mid-period as the proration due now, and the next full invoice", async () => {
    const o = await subscribedOwner("pro");
    const clock = await advanceCustomerClock(o.customer, 10 * DAY);
    const row = await rowOf(o.orgId);
    const start = row.currentPeriodStart!.getTime() / 1000;
    const end = row.currentPeriodEnd!.getTime() / 1000;

    const preview = await previewChange(o.actor, { plan: "business", interval: "month" });
    expect(preview).toMatchObject({ timing: "now", trialEnd: null, dueNow: { amount: proration(2900, 14900, start, end, clock.frozen_time), currency: "usd" } });
    expect(preview.dueNow.amount).toBeGreaterThan(0);
    expect(preview.dueNow.amount).toBeLessThan(14900 - 2900);
    expect(preview.dueNow.lines.map((l) => l.proration)).toEqual([true, true]);
    expect(preview.nextInvoice).toEqual({ amount: 14900, currency: "usd", date: row.currentPeriodEnd });
    // A preview changes nothing.
    expect(await rowOf(o.orgId)).toMatchObject({ plan: "pro", stripePriceId: prices.STRIPE_PRICE_PRO_MONTHLY });
    expect(await invoicesOf(o.orgId)).toHaveLength(1);

    // Month → year on the same plan is an upgrade: a yearly period starts now.
    const yearly = await previewChange(o.actor, { plan: "pro", interval: "year" });
    expect(yearly).toMatchObject({ timing: "now", nextInvoice: { amount: 29000 } });
    const yearEnd = new Date(clock.frozen_time * 1000);
    yearEnd.setUTCFullYear(yearEnd.getUTCFullYear() + 1);
    expect(yearly.nextInvoice.date).toEqual(yearEnd);
  });

  it("previews a change during a trial as the trial going on: nothing due now, the first charge when the trial ends", async () => {
    const o = await makeOwner("Trial Changer");
    expect(await subscribe(o, "6011 1111 1111 1117")).toEqual({ trial: true });
    const row = await rowOf(o.orgId);
    const preview = await o.caller.billing.previewChange({ orgId: o.orgId, plan: "business", interval: "month" });
    expect(preview).toMatchObject({ timing: "now", trialEnd: row.trialEnd, dueNow: { amount: 0, lines: [] }, nextInvoice: { amount: 14900, date: row.trialEnd } });
    // The overview's plan header shows what a period costs.
    const overview = await o.caller.billing.overview({ orgId: o.orgId });
    expect(overview.subscription).toMatchObject({ status: "trialing", interval: "month", price: { amount: 2900, currency: "usd" } });
  });

  it("upgrades Pro → Business now: the proration is invoiced and paid, the plan changes at once", async () => {
    const o = await subscribedOwner("pro");
    const clock = await advanceCustomerClock(o.customer, 12 * DAY);
    const before = await rowOf(o.orgId);
    const start = before.currentPeriodStart!.getTime() / 1000;
    const end = before.currentPeriodEnd!.getTime() / 1000;
    const expected = proration(2900, 14900, start, end, clock.frozen_time);

    const result = await changePlan(o.actor, { plan: "business", interval: "month" });
    expect(result).toMatchObject({ timing: "now", effectiveAt: null, invoice: { status: "paid", amountPaid: expected } });

    const row = await rowOf(o.orgId);
    expect(row).toMatchObject({ plan: "business", interval: "month", unitAmount: 14900, pendingPlan: null });
    expect(row.currentPeriodEnd).toEqual(before.currentPeriodEnd);
    const [invoice] = await invoicesOf(o.orgId);
    expect(invoice).toMatchObject({ billingReason: "subscription_update", status: "paid", amountPaid: expected });
    const lines = invoice!.lines as { amount: number; proration: boolean; description: string }[];
    expect(lines.map((l) => l.proration)).toEqual([true, true]);
    expect(lines[0]!.amount).toBeLessThan(0); // unused Pro time credited
    expect(lines[0]!.description).toMatch(/^Unused time on/);
    expect(lines[1]!.amount).toBeGreaterThan(0);

    await expect(changePlan(o.actor, { plan: "business", interval: "month" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("charges exactly what the preview showed when the change carries the preview's proration time", async () => {
    const o = await subscribedOwner("pro");
    await advanceCustomerClock(o.customer, 9 * DAY);
    const preview = await previewChange(o.actor, { plan: "business", interval: "month" });
    if (!("prorationDate" in preview)) throw new Error("an upgrade preview carries its proration time");
    // Time moves on between the preview and the click; the charge still matches the preview.
    await advanceCustomerClock(o.customer, 1800);
    const result = await changePlan(o.actor, { plan: "business", interval: "month", prorationDate: preview.prorationDate });
    expect(result.invoice).toMatchObject({ status: "paid", amountPaid: preview.dueNow.amount });

    const late = await subscribedOwner("pro");
    await advanceCustomerClock(late.customer, 3 * DAY);
    const stale = await previewChange(late.actor, { plan: "business", interval: "month" });
    await advanceCustomerClock(late.customer, 2 * 3600);
    await expect(
      changePlan(late.actor, { plan: "business", interval: "month", prorationDate: "prorationDate" in stale ? stale.prorationDate : 0 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", details: { reason: "stale_preview" } });
    expect(await rowOf(late.orgId)).toMatchObject({ plan: "pro" });
  });

  it("downgrades Business → Pro at the period end: Business until then, then a Pro renewal", async () => {
    const o = await subscribedOwner("business");
    await advanceCustomerClock(o.customer, 5 * DAY);
    const before = await rowOf(o.orgId);

    const result = await changePlan(o.actor, { plan: "pro", interval: "month" });
    expect(result).toMatchObject({ timing: "period_end", effectiveAt: before.currentPeriodEnd, invoice: null });
    expect(await rowOf(o.orgId)).toMatchObject({ plan: "business", unitAmount: 14900, pendingPlan: "pro", pendingInterval: "month" });
    expect(await invoicesOf(o.orgId)).toHaveLength(1); // nothing charged or credited now
    const sub = await sdk.subscriptions.retrieve(before.stripeSubscriptionId, { expand: ["schedule"] });
    expect((sub.schedule as Stripe.SubscriptionSchedule).phases.map((p) => p.items[0]!.price)).toEqual([
      prices.STRIPE_PRICE_BUSINESS_MONTHLY,
      prices.STRIPE_PRICE_PRO_MONTHLY,
    ]);
    const preview = await previewChange(o.actor, { plan: "pro", interval: "month" });
    expect(preview).toMatchObject({ timing: "period_end", dueNow: { amount: 0 }, nextInvoice: { amount: 2900, date: before.currentPeriodEnd } });

    const untilEnd = (before.currentPeriodEnd!.getTime() - before.currentPeriodStart!.getTime()) / 1000 - 5 * DAY;
    await advanceCustomerClock(o.customer, untilEnd - DAY);
    await syncStripeCustomer(o.customer);
    expect(await rowOf(o.orgId)).toMatchObject({ plan: "business", pendingPlan: "pro" });

    await advanceCustomerClock(o.customer, 2 * DAY);
    await syncStripeCustomer(o.customer);
    const after = await rowOf(o.orgId);
    expect(after).toMatchObject({ status: "active", plan: "pro", interval: "month", unitAmount: 2900, pendingPlan: null, pendingInterval: null });
    expect(after.currentPeriodStart).toEqual(before.currentPeriodEnd);
    const invoices = await invoicesOf(o.orgId);
    expect(invoices.map((i) => [i.billingReason, i.status, i.amountPaid])).toEqual([
      ["subscription_cycle", "paid", 2900],
      ["subscription_create", "paid", 14900],
    ]);
    expect((invoices[0]!.lines as { proration: boolean }[]).map((l) => l.proration)).toEqual([false]);
  });

  it("a new change replaces a pending downgrade; cancelPendingChange drops one", async () => {
    const o = await subscribedOwner("business");
    await changePlan(o.actor, { plan: "pro", interval: "month" });
    await changePlan(o.actor, { plan: "pro", interval: "year" });
    expect(await rowOf(o.orgId)).toMatchObject({ plan: "business", interval: "month", pendingPlan: "pro", pendingInterval: "year" });
    const schedules = await sdk.subscriptionSchedules.list({ customer: o.customer });
    expect(schedules.data.map((s) => s.status)).toEqual(["active"]); // the same schedule, new phases

    // Month → year on the same plan is an upgrade: it applies now and the pending downgrade goes.
    const upgrade = await changePlan(o.actor, { plan: "business", interval: "year" });
    expect(upgrade).toMatchObject({ timing: "now", invoice: { status: "paid" } });
    expect(await rowOf(o.orgId)).toMatchObject({ plan: "business", interval: "year", pendingPlan: null });
    expect((await sdk.subscriptionSchedules.retrieve(schedules.data[0]!.id)).status).toBe("released");

    await changePlan(o.actor, { plan: "pro", interval: "year" });
    expect((await rowOf(o.orgId)).pendingPlan).toBe("pro");
    expect(await cancelPendingChange(o.actor)).toEqual({ released: true });
    expect(await rowOf(o.orgId)).toMatchObject({ plan: "business", pendingPlan: null });
    expect(await cancelPendingChange(o.actor)).toEqual({ released: false });
  });

  it("cancel ends at the period end and resume undoes it", async () => {
    const o = await subscribedOwner("pro");
    const result = await cancelSubscription(o.actor);
    const row = await rowOf(o.orgId);
    expect(result).toEqual({ cancelAtPeriodEnd: true, endsAt: row.currentPeriodEnd });
    expect(row).toMatchObject({ status: "active", cancelAtPeriodEnd: true, cancelAt: row.currentPeriodEnd });
    expect(await getBillingOverview(o.actor)).toMatchObject({ nextInvoice: null });

    expect(await resumeSubscription(o.actor)).toEqual({ status: "active", cancelAtPeriodEnd: false });
    expect(await rowOf(o.orgId)).toMatchObject({ cancelAtPeriodEnd: false, cancelAt: null, pendingPlan: null });
    expect((await sdk.subscriptions.retrieve(row.stripeSubscriptionId)).cancel_at_period_end).toBe(false);
    expect(await resumeSubscription(o.actor)).toEqual({ status: "active", cancelAtPeriodEnd: false });
  });

  it("cancel sets a scheduled downgrade aside and resume schedules it again: the renewal bills Pro, not Business", async () => {
    const o = await subscribedOwner("business");
    await advanceCustomerClock(o.customer, 3 * DAY);
    await changePlan(o.actor, { plan: "pro", interval: "month" });

    // Stripe refuses cancel_at_period_end on a subscription a schedule manages, so the schedule goes.
    await cancelSubscription(o.actor);
    const row = await rowOf(o.orgId);
    expect(row).toMatchObject({ status: "active", cancelAtPeriodEnd: true, pendingPlan: null });
    expect(await sdk.subscriptions.retrieve(row.stripeSubscriptionId)).toMatchObject({ cancel_at_period_end: true, schedule: null });
    await expect(changePlan(o.actor, { plan: "pro", interval: "month" })).rejects.toMatchObject({
      code: "CONFLICT",
      details: { reason: "cancel_at_period_end" },
    });

    expect(await resumeSubscription(o.actor)).toEqual({ status: "active", cancelAtPeriodEnd: false });
    expect(await rowOf(o.orgId)).toMatchObject({ cancelAtPeriodEnd: false, plan: "business", pendingPlan: "pro", pendingInterval: "month" });
    expect(await getBillingOverview(o.actor)).toMatchObject({ nextInvoice: { amount: 2900, date: row.currentPeriodEnd } });
    // Resuming again changes nothing: still one schedule, still the one downgrade.
    await resumeSubscription(o.actor);
    const schedules = await sdk.subscriptionSchedules.list({ customer: o.customer });
    expect(schedules.data.filter((s) => s.status === "active")).toHaveLength(1);

    await advanceCustomerClock(o.customer, (row.currentPeriodEnd!.getTime() - row.currentPeriodStart!.getTime()) / 1000);
    await syncStripeCustomer(o.customer);
    expect(await rowOf(o.orgId)).toMatchObject({ status: "active", plan: "pro", unitAmount: 2900, pendingPlan: null });
    const [renewal] = await invoicesOf(o.orgId);
    expect(renewal).toMatchObject({ billingReason: "subscription_cycle", status: "paid", amountPaid: 2900 });
  });

  it("a downgrade dropped with Keep (or replaced by an upgrade) does not come back on resume", async () => {
    const o = await subscribedOwner("business");
    await changePlan(o.actor, { plan: "pro", interval: "month" });
    await cancelSubscription(o.actor);
    await resumeSubscription(o.actor);
    expect(await cancelPendingChange(o.actor)).toEqual({ released: true });
    await cancelSubscription(o.actor);
    await resumeSubscription(o.actor);
    expect(await rowOf(o.orgId)).toMatchObject({ plan: "business", pendingPlan: null, cancelAtPeriodEnd: false });

    // Keep while canceling drops the downgrade the cancellation set aside.
    await changePlan(o.actor, { plan: "pro", interval: "month" });
    await cancelSubscription(o.actor);
    expect(await cancelPendingChange(o.actor)).toEqual({ released: true });
    await resumeSubscription(o.actor);
    expect(await rowOf(o.orgId)).toMatchObject({ plan: "business", pendingPlan: null, cancelAtPeriodEnd: false });

    await changePlan(o.actor, { plan: "pro", interval: "year" });
    await changePlan(o.actor, { plan: "business", interval: "year" });
    await cancelSubscription(o.actor);
    await resumeSubscription(o.actor);
    expect(await rowOf(o.orgId)).toMatchObject({ plan: "business", interval: "year", pendingPlan: null });
  });

  it("five cancels, then five resumes at once: one of each runs, the downgrade is scheduled once", async () => {
    const o = await subscribedOwner("business");
    await changePlan(o.actor, { plan: "pro", interval: "month" });
    const cancels = await Promise.allSettled(Array.from({ length: 5 }, () => cancelSubscription(o.actor)));
    expect(cancels.filter((r) => r.status === "fulfilled").length).toBeGreaterThanOrEqual(1);
    for (const r of cancels) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "CONFLICT" });
    expect(await rowOf(o.orgId)).toMatchObject({ cancelAtPeriodEnd: true, pendingPlan: null });

    const resumes = await Promise.allSettled(Array.from({ length: 5 }, () => resumeSubscription(o.actor)));
    expect(resumes.filter((r) => r.status === "fulfilled").length).toBeGreaterThanOrEqual(1);
    for (const r of resumes) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "CONFLICT" });
    expect(await rowOf(o.orgId)).toMatchObject({ cancelAtPeriodEnd: false, pendingPlan: "pro", pendingInterval: "month" });
    const open = (await sdk.subscriptionSchedules.list({ customer: o.customer })).data.filter((s) => s.status === "active");
    expect(open).toHaveLength(1);
    expect(open[0]!.phases.map((p) => p.items[0]!.price)).toEqual([prices.STRIPE_PRICE_BUSINESS_MONTHLY, prices.STRIPE_PRICE_PRO_MONTHLY]);
  });

  it("a cancel or resume that Stripe fails part way is finished by the retry, and the downgrade survives", async () => {
    const o = await subscribedOwner("business");
    await changePlan(o.actor, { plan: "pro", interval: "month" });
    const { schedule } = await sdk.subscriptions.retrieve((await rowOf(o.orgId)).stripeSubscriptionId);

    await injectStripeFault({ method: "POST", path: `/v1/subscription_schedules/${String(schedule)}/release`, count: 1 });
    await expect(cancelSubscription(o.actor)).rejects.toMatchObject({ type: "StripeAPIError" });
    await cancelSubscription(o.actor);
    expect(await rowOf(o.orgId)).toMatchObject({ cancelAtPeriodEnd: true, pendingPlan: null });

    await injectStripeFault({ method: "POST", path: "/v1/subscription_schedules", count: 1 });
    await expect(resumeSubscription(o.actor)).rejects.toMatchObject({ type: "StripeAPIError" });
    await resumeSubscription(o.actor);
    expect(await rowOf(o.orgId)).toMatchObject({ cancelAtPeriodEnd: false, pendingPlan: "pro", pendingInterval: "month" });
  });

  it("the portal is a Stripe session for the org's own customer, returning to the billing page", async () => {
    const o = await subscribedOwner("pro");
    const { url } = await createPortalSession(o.actor);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/portal\/bps_/);
    const page = await (await fetch(url)).text();
    expect(page).toContain("http://localhost:3000/dashboard/billing");
    const row = await rowOf(o.orgId);
    expect(page).toContain(row.stripeSubscriptionId);
  });

  it("refuses what it cannot do: the current plan, an org without a subscription or a customer", async () => {
    const o = await subscribedOwner("pro");
    await expect(changePlan(o.actor, { plan: "pro", interval: "month" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(previewChange(o.actor, { plan: "pro", interval: "month" })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    const other = await makeUser("No Plan");
    const actor: Actor = { userId: other.user.id, organizationId: other.organization.id, role: "OWNER" };
    for (const action of [
      () => changePlan(actor, { plan: "business", interval: "month" }),
      () => previewChange(actor, { plan: "business", interval: "month" }),
      () => cancelSubscription(actor),
      () => resumeSubscription(actor),
      () => cancelPendingChange(actor),
      () => createPortalSession(actor),
    ]) {
      await expect(action()).rejects.toMatchObject({ code: "CONFLICT" });
    }
    // The other org's subscription was not touched by any of it.
    expect(await rowOf(o.orgId)).toMatchObject({ plan: "pro", cancelAtPeriodEnd: false });
  });
});
