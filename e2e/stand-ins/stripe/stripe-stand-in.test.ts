import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { sdkFor } from "./sdk";
import { fixtureKeys, withStripeStandIn } from "./test-fixtures";

// Every call goes through the official SDK, exactly as the app will make it.
const SECRET = "sk_test_standin_secret";
const t = withStripeStandIn(SECRET);



describe("Stripe stand-in: catalogue and customers through the SDK", () => {
  it("creates products and recurring prices and finds prices by lookup key", async () => {
    const product = await t.stripe.products.create({ name: "VantFlow Pro", metadata: { plan: "pro" } });
    const monthly = await t.stripe.prices.create({
      product: product.id,
      currency: "usd",
      unit_amount: 2900,
      recurring: { interval: "month" },
      lookup_key: "pro_monthly_t1",
    });
    await t.stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 29000, recurring: { interval: "year" }, lookup_key: "pro_yearly_t1" });
    expect(monthly).toMatchObject({ object: "price", unit_amount: 2900, currency: "usd", type: "recurring", recurring: { interval: "month", interval_count: 1 } });

    const found = await t.stripe.prices.list({ lookup_keys: ["pro_monthly_t1"], expand: ["data.product"] });
    expect(found.data.map((p) => p.id)).toEqual([monthly.id]);
    expect((found.data[0]!.product as Stripe.Product).name).toBe("VantFlow Pro");

    await expect(
      t.stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 1, lookup_key: "pro_monthly_t1" }),
    ).rejects.toMatchObject({ type: "StripeInvalidRequestError", param: "lookup_key" });
  });

  it("answers a missing object with resource_missing and a wrong key with 401", async () => {
    await expect(t.stripe.customers.retrieve("cus_missing")).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      code: "resource_missing",
      statusCode: 404,
    });
    const wrong = sdkFor(t.standIn.url, "sk_test_wrong");
    await expect(wrong.customers.list()).rejects.toMatchObject({ type: "StripeAuthenticationError", statusCode: 401 });
  });

  it("replays an idempotent request and refuses the key with other params", async () => {
    const first = await t.stripe.customers.create({ email: "idem@example.test", metadata: { organizationId: "org_1" } }, { idempotencyKey: "customer-org_1" });
    const again = await t.stripe.customers.create({ email: "idem@example.test", metadata: { organizationId: "org_1" } }, { idempotencyKey: "customer-org_1" });
    expect(again.id).toBe(first.id);
    expect((await t.stripe.customers.list({ email: "idem@example.test" })).data).toHaveLength(1);
    await expect(
      t.stripe.customers.create({ email: "other@example.test" }, { idempotencyKey: "customer-org_1" }),
    ).rejects.toMatchObject({ type: "StripeIdempotencyError" });
  });

  it("pages lists newest first so SDK auto-pagination sees every object once", async () => {
    const email = "page@example.test";
    const created: string[] = [];
    for (let i = 0; i < 25; i++) created.push((await t.stripe.customers.create({ email, name: `c${i}` })).id);
    const seen: string[] = [];
    for await (const c of t.stripe.customers.list({ email, limit: 10 })) seen.push(c.id);
    expect(seen).toEqual([...created].reverse());
    const page = await t.stripe.customers.list({ email, limit: 5, ending_before: created[20] });
    expect(page.data.map((c) => c.id)).toEqual(created.slice(21, 26).reverse());
  });

  it("merges metadata on update and deletes keys set to empty", async () => {
    const c = await t.stripe.customers.create({ metadata: { a: "1", b: "2" } });
    const updated = await t.stripe.customers.update(c.id, { name: "Acme", metadata: { b: "", c: "3" } });
    expect(updated).toMatchObject({ name: "Acme", metadata: { a: "1", c: "3" } });
    const deleted = await t.stripe.customers.del(c.id);
    expect(deleted).toMatchObject({ id: c.id, deleted: true });
  });

  it.each(["customer", "product", "price"])("a %s carries every top-level field of Stripe's fixture", async (type) => {
    const product = await t.stripe.products.create({ name: "Shape" });
    const objects: Record<string, unknown> = {
      customer: await t.stripe.customers.create({ email: "shape@example.test" }),
      product,
      price: await t.stripe.prices.create({ product: product.id, currency: "usd", unit_amount: 100, recurring: { interval: "month" } }),
    };
    const actual = Object.keys(objects[type] as object);
    expect(fixtureKeys(type).filter((k) => !actual.includes(k))).toEqual([]);
  });
});
