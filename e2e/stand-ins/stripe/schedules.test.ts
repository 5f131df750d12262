import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { fixtureKeys, withPlanPrices, withStripeStandIn } from "./test-fixtures";

const t = withStripeStandIn("sk_test_schedules");
const DAY = 86_400;
const T0 = Date.UTC(2026, 2, 1) / 1000; // 1 March: the period ends on 1 April
const APRIL = Date.UTC(2026, 3, 1) / 1000;
const MAY = Date.UTC(2026, 4, 1) / 1000;
const prices = withPlanPrices(t);

async function subscribed(price: Stripe.Price) {
  const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: T0 });
  const customer = await t.stripe.customers.create({ test_clock: clock.id });
  const pm = await t.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
  await t.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  const sub = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
  return { clock, customer, sub };
}

/** The two-phase schedule of a change at the period end: the current price until then, `next` after. */
async function scheduleChange(sub: Stripe.Subscription, next: Stripe.Price, extra: Partial<Stripe.SubscriptionScheduleUpdateParams> = {}) {
  const schedule = await t.stripe.subscriptionSchedules.create({ from_subscription: sub.id });
  const phase = schedule.phases[0]!;
  return t.stripe.subscriptionSchedules.update(schedule.id, {
    end_behavior: "release",
    phases: [
      {
        items: [{ price: phase.items[0]!.price as string, quantity: 1 }],
        start_date: phase.start_date,
        end_date: phase.end_date,
        ...(phase.trial_end ? { trial_end: phase.trial_end } : {}),
      },
      { items: [{ price: next.id, quantity: 1 }], proration_behavior: "none" },
    ],
    ...extra,
  });
}

const invoicesOf = async (sub: string) => (await t.stripe.invoices.list({ subscription: sub })).data;
const scheduleEvents = async (schedule: string) =>
  (await t.stripe.events.list({ limit: 100 })).data
    .filter((e) => (e.data.object as { id?: string }).id === schedule)
    .map((e) => e.type)
    .reverse();

describe("Stripe stand-in subscription schedules", () => {
  it("from_subscription: one phase covering the current period, linked both ways, expandable", async () => {
    const { sub } = await subscribed(prices.businessMonthly!);
    const schedule = await t.stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    expect(schedule).toMatchObject({
      object: "subscription_schedule",
      status: "active",
      end_behavior: "release",
      subscription: sub.id,
      customer: sub.customer,
      current_phase: { start_date: T0, end_date: APRIL },
    });
    expect(schedule.id).toMatch(/^sub_sched_/);
    expect(schedule.phases).toHaveLength(1);
    expect(schedule.phases[0]).toMatchObject({ start_date: T0, end_date: APRIL, items: [{ price: prices.businessMonthly!.id, quantity: 1 }] });
    const expanded = await t.stripe.subscriptions.retrieve(sub.id, { expand: ["schedule"] });
    expect((expanded.schedule as Stripe.SubscriptionSchedule).id).toBe(schedule.id);
    const listed = await t.stripe.subscriptions.list({ customer: sub.customer as string, expand: ["data.schedule"] });
    expect((listed.data[0]!.schedule as Stripe.SubscriptionSchedule).status).toBe("active");
    expect(await t.stripe.subscriptionSchedules.retrieve(schedule.id)).toMatchObject({ id: schedule.id });
    expect((await t.stripe.subscriptionSchedules.list({ customer: sub.customer as string })).data.map((s) => s.id)).toEqual([schedule.id]);
    expect(fixtureKeys("subscription_schedule").filter((k) => !(k in schedule))).toEqual([]);

    await expect(t.stripe.subscriptionSchedules.create({ from_subscription: sub.id })).rejects.toMatchObject({ param: "from_subscription" });
  });

  it("a downgrade at the period end: the old price until then, the renewal bills the new one, then the schedule releases", async () => {
    const { clock, sub } = await subscribed(prices.businessMonthly!);
    const schedule = await scheduleChange(sub, prices.proMonthly!);
    expect(schedule.phases.map((p) => [p.start_date, p.end_date, p.items[0]!.price])).toEqual([
      [T0, APRIL, prices.businessMonthly!.id],
      [APRIL, MAY, prices.proMonthly!.id], // no end given: one period of its price
    ]);

    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: APRIL - DAY });
    expect((await t.stripe.subscriptions.retrieve(sub.id)).items.data[0]!.price.id).toBe(prices.businessMonthly!.id);
    expect(await invoicesOf(sub.id)).toHaveLength(1);

    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: APRIL + DAY });
    const renewed = await t.stripe.subscriptions.retrieve(sub.id);
    expect(renewed.items.data[0]).toMatchObject({ price: { id: prices.proMonthly!.id }, current_period_start: APRIL, current_period_end: MAY });
    expect(renewed.schedule).toBe(schedule.id);
    const renewal = (await invoicesOf(sub.id))[0]!;
    expect(renewal).toMatchObject({ billing_reason: "subscription_cycle", amount_paid: 2900, status: "paid" });
    expect(renewal.lines.data.map((l) => [l.amount, l.parent?.subscription_item_details?.proration])).toEqual([[2900, false]]);
    expect(await t.stripe.subscriptionSchedules.retrieve(schedule.id)).toMatchObject({ status: "active", current_phase: { start_date: APRIL, end_date: MAY } });

    // The last phase ends: released, and the subscription carries on at the Pro price.
    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: MAY + DAY });
    expect(await t.stripe.subscriptionSchedules.retrieve(schedule.id)).toMatchObject({
      status: "released",
      released_at: MAY,
      released_subscription: sub.id,
      subscription: null,
      current_phase: null,
    });
    const released = await t.stripe.subscriptions.retrieve(sub.id);
    expect(released).toMatchObject({ status: "active", schedule: null });
    expect((await invoicesOf(sub.id)).map((i) => i.amount_paid)).toEqual([2900, 2900, 14900]);
    expect(await scheduleEvents(schedule.id)).toEqual([
      "subscription_schedule.created",
      "subscription_schedule.updated",
      "subscription_schedule.updated",
      "subscription_schedule.released",
    ]);
  });

  it("yearly → monthly at the period end starts monthly periods on the renewal", async () => {
    const { clock, sub } = await subscribed(prices.proYearly!);
    const yearEnd = sub.items.data[0]!.current_period_end;
    await scheduleChange(sub, prices.proMonthly!);
    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: yearEnd + DAY });
    const renewed = await t.stripe.subscriptions.retrieve(sub.id);
    expect(renewed.items.data[0]).toMatchObject({ price: { id: prices.proMonthly!.id }, current_period_start: yearEnd });
    expect(renewed.items.data[0]!.current_period_end - yearEnd).toBeLessThanOrEqual(31 * DAY);
    expect((await invoicesOf(sub.id)).map((i) => [i.billing_reason, i.amount_paid])).toEqual([
      ["subscription_cycle", 2900],
      ["subscription_create", 29000],
    ]);
  });

  it("a change at a trial's end: the first invoice after the trial bills the new price", async () => {
    const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: T0 });
    const customer = await t.stripe.customers.create({ test_clock: clock.id });
    const pm = await t.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const sub = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: prices.businessMonthly!.id }], trial_period_days: 14, default_payment_method: pm.id });
    const schedule = await scheduleChange(sub, prices.proMonthly!);
    expect(schedule.phases[0]).toMatchObject({ end_date: T0 + 14 * DAY, trial_end: T0 + 14 * DAY });
    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: T0 + 15 * DAY });
    const active = await t.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    expect(active).toMatchObject({ status: "active", items: { data: [{ price: { id: prices.proMonthly!.id } }] } });
    expect(active.latest_invoice).toMatchObject({ billing_reason: "subscription_cycle", amount_paid: 2900 });
  });

  it("release drops the pending change; a released schedule cannot be released again", async () => {
    const { clock, sub } = await subscribed(prices.businessMonthly!);
    const schedule = await scheduleChange(sub, prices.proMonthly!);
    const released = await t.stripe.subscriptionSchedules.release(schedule.id);
    expect(released).toMatchObject({ status: "released", released_subscription: sub.id, subscription: null });
    expect((await t.stripe.subscriptions.retrieve(sub.id)).schedule).toBeNull();
    await expect(t.stripe.subscriptionSchedules.release(schedule.id)).rejects.toMatchObject({ type: "StripeInvalidRequestError" });
    await expect(t.stripe.subscriptionSchedules.update(schedule.id, { end_behavior: "cancel" })).rejects.toMatchObject({ type: "StripeInvalidRequestError" });

    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: APRIL + DAY });
    const renewed = await t.stripe.subscriptions.retrieve(sub.id);
    expect(renewed.items.data[0]!.price.id).toBe(prices.businessMonthly!.id);
    expect((await invoicesOf(sub.id))[0]).toMatchObject({ amount_paid: 14900 });
    // A fresh schedule can be made once the old one is released.
    expect((await t.stripe.subscriptionSchedules.create({ from_subscription: sub.id })).current_phase).toEqual({ start_date: APRIL, end_date: MAY });
  });

  it("a subscription with a schedule refuses direct cancellation changes; the schedule's cancel ends both", async () => {
    const { sub } = await subscribed(prices.businessMonthly!);
    const schedule = await scheduleChange(sub, prices.proMonthly!);
    await expect(t.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true })).rejects.toMatchObject({
      message: `The subscription is managed by the subscription schedule \`${schedule.id}\`, and updating any cancelation behavior directly is not allowed. Please update the schedule instead.`,
    });
    const canceled = await t.stripe.subscriptionSchedules.cancel(schedule.id);
    expect(canceled).toMatchObject({ status: "canceled", canceled_at: T0, current_phase: null });
    expect(await t.stripe.subscriptions.retrieve(sub.id)).toMatchObject({ status: "canceled", ended_at: T0 });
    expect(await scheduleEvents(schedule.id)).toContain("subscription_schedule.canceled");
  });

  it("canceling the subscription cancels its schedule", async () => {
    const { sub } = await subscribed(prices.businessMonthly!);
    const schedule = await scheduleChange(sub, prices.proMonthly!);
    await t.stripe.subscriptions.cancel(sub.id);
    expect(await t.stripe.subscriptionSchedules.retrieve(schedule.id)).toMatchObject({ status: "canceled" });
  });

  it("end_behavior cancel: the subscription ends with the last phase and the schedule completes", async () => {
    const { clock, sub } = await subscribed(prices.businessMonthly!);
    const schedule = await scheduleChange(sub, prices.proMonthly!, { end_behavior: "cancel" });
    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: MAY + DAY });
    expect(await t.stripe.subscriptions.retrieve(sub.id)).toMatchObject({ status: "canceled", ended_at: MAY });
    expect(await t.stripe.subscriptionSchedules.retrieve(schedule.id)).toMatchObject({ status: "completed", completed_at: MAY });
    expect((await invoicesOf(sub.id)).map((i) => i.amount_paid)).toEqual([2900, 14900]);
  });

  it("a phase ending mid-period changes the price there, prorated as the phase says", async () => {
    const { clock, sub } = await subscribed(prices.proMonthly!);
    const schedule = await t.stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    const halfway = T0 + 15.5 * DAY; // exactly half of March
    await t.stripe.subscriptionSchedules.update(schedule.id, {
      phases: [
        { items: [{ price: prices.proMonthly!.id }], start_date: T0, end_date: halfway },
        { items: [{ price: prices.businessMonthly!.id }], proration_behavior: "always_invoice", duration: { interval: "month", interval_count: 2 } },
      ],
    });
    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: halfway + DAY });
    const invoice = (await invoicesOf(sub.id))[0]!;
    expect(invoice).toMatchObject({ billing_reason: "subscription_update", amount_paid: 7450 - 1450 });
    expect((await t.stripe.subscriptionSchedules.retrieve(schedule.id)).current_phase).toEqual({
      start_date: halfway,
      end_date: Date.UTC(2026, 4, 16, 12) / 1000,
    });
  });

  it("changing the current phase's price applies now with the request's proration behavior", async () => {
    const { sub } = await subscribed(prices.proMonthly!);
    const schedule = await t.stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    await t.stripe.subscriptionSchedules.update(schedule.id, {
      proration_behavior: "always_invoice",
      phases: [{ items: [{ price: prices.businessMonthly!.id }], start_date: T0, end_date: APRIL }],
    });
    const updated = await t.stripe.subscriptions.retrieve(sub.id, { expand: ["latest_invoice"] });
    expect(updated.items.data[0]!.price.id).toBe(prices.businessMonthly!.id);
    // At the very start of the period: all of Pro credited, all of Business charged.
    expect(updated.latest_invoice).toMatchObject({ billing_reason: "subscription_update", amount_paid: 14900 - 2900 });
  });

  it("rejects phases that are not consecutive or move the current phase's start", async () => {
    const { sub } = await subscribed(prices.proMonthly!);
    const schedule = await t.stripe.subscriptionSchedules.create({ from_subscription: sub.id });
    const item = [{ price: prices.proMonthly!.id }];
    await expect(
      t.stripe.subscriptionSchedules.update(schedule.id, {
        phases: [
          { items: item, start_date: T0, end_date: APRIL },
          { items: item, start_date: APRIL + DAY },
        ],
      }),
    ).rejects.toMatchObject({ param: "phases[1][start_date]" });
    await expect(t.stripe.subscriptionSchedules.update(schedule.id, { phases: [{ items: item, start_date: T0 - DAY, end_date: APRIL }] })).rejects.toMatchObject({
      message: "You can not modify the start date of the current phase.",
    });
    await expect(t.stripe.subscriptionSchedules.update(schedule.id, { phases: [{ items: item, end_date: APRIL }] })).rejects.toMatchObject({
      param: "phases[0][start_date]",
    });
    // Nothing was applied by the rejected updates.
    expect((await t.stripe.subscriptionSchedules.retrieve(schedule.id)).phases).toEqual(schedule.phases);
  });
});
