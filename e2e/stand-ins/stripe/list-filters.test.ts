import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { withPlanPrices, withStripeStandIn } from "./test-fixtures";

const t = withStripeStandIn("sk_test_standin_list_filters");
const prices = withPlanPrices(t);

describe("created filters on account-wide lists", () => {
  it("customers.list: gte/gt/lt/lte bounds and an exact time, as Stripe applies them, across pages", async () => {
    const made: Stripe.Customer[] = [];
    for (let i = 0; i < 3; i++) made.push(await t.stripe.customers.create({ email: `created-${i}@example.test` }));
    const at = made[0]!.created;
    const ids = (list: { id: string }[]) => list.map((c) => c.id);
    const mine = (list: { id: string }[]) => ids(list).filter((id) => made.some((c) => c.id === id));

    const paged = await t.stripe.customers.list({ created: { gte: at }, limit: 2 }).autoPagingToArray({ limit: 100 });
    expect(mine(paged).sort()).toEqual(ids(made).sort());
    expect(mine((await t.stripe.customers.list({ created: { gte: at + 3600 } })).data)).toEqual([]);
    expect(mine((await t.stripe.customers.list({ created: { lt: at } })).data)).toEqual([]);
    expect(mine((await t.stripe.customers.list({ created: { lte: at + 3600, gt: at - 1 }, limit: 100 })).data).sort()).toEqual(ids(made).sort());
    const exact = (await t.stripe.customers.list({ created: at, limit: 100 })).data;
    expect(exact.every((c) => c.created === at)).toBe(true);
    expect(ids(exact)).toContain(made[0]!.id);
    await expect(t.stripe.customers.list({ created: { since: at } as never })).rejects.toMatchObject({ statusCode: 400 });
  });

  it("invoices.list and subscriptions.list (status all) filter by created the same way", async () => {
    const customer = await t.stripe.customers.create({ email: "created-invoices@example.test" });
    const pm = await t.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    const sub = await t.stripe.subscriptions.create({ customer: customer.id, items: [{ price: prices.proMonthly.id }], default_payment_method: pm.id });
    const invoiceId = sub.latest_invoice as string;
    const invoice = await t.stripe.invoices.retrieve(invoiceId);
    const since = (list: { id: string }[]) => list.map((o) => o.id);

    expect(since((await t.stripe.invoices.list({ created: { gte: invoice.created }, limit: 100 })).data)).toContain(invoiceId);
    expect(since((await t.stripe.invoices.list({ created: { gt: invoice.created + 60 }, limit: 100 })).data)).not.toContain(invoiceId);
    await t.stripe.subscriptions.cancel(sub.id);
    expect(since((await t.stripe.subscriptions.list({ status: "all", created: { gte: sub.created }, limit: 100 })).data)).toContain(sub.id);
    expect(since((await t.stripe.subscriptions.list({ status: "all", created: { lt: sub.created }, limit: 100 })).data)).not.toContain(sub.id);
  });
});
