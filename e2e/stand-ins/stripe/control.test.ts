import { describe, expect, it } from "vitest";
import { routeOf } from "./control";
import { withStripeStandIn } from "./test-fixtures";

const SECRET = "sk_test_standin_control";
const t = withStripeStandIn(SECRET);

const control = (path: string, body?: unknown) =>
  fetch(new URL(path, t.standIn.url), {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> }));

describe("Stripe stand-in controls", () => {
  it("groups ids out of a path", () => {
    expect(routeOf("/v1/customers/cus_Ab12/payment_methods")).toBe("/v1/customers/:id/payment_methods");
    expect(routeOf("/v1/subscription_schedules/sub_sched_X9")).toBe("/v1/subscription_schedules/:id");
    expect(routeOf("/v1/invoices")).toBe("/v1/invoices");
  });

  it("counts the API calls it answered, per route, until reset", async () => {
    await control("/__stand-in/requests/reset", {});
    const customer = await t.stripe.customers.create({ email: "count@example.test" });
    await t.stripe.customers.retrieve(customer.id);
    await t.stripe.customers.retrieve(customer.id);
    await t.stripe.invoices.list({ customer: customer.id });
    const counts = await control("/__stand-in/requests");
    expect(counts.body).toEqual({ total: 4, byRoute: { "POST /v1/customers": 1, "GET /v1/customers/:id": 2, "GET /v1/invoices": 1 } });
    await control("/__stand-in/requests/reset", {});
    expect((await control("/__stand-in/requests")).body).toEqual({ total: 0, byRoute: {} });
  });

  it("delays every API call by the set latency, and refuses a nonsense one", async () => {
    expect((await control("/__stand-in/latency", { ms: -1 })).status).toBe(400);
    await control("/__stand-in/latency", { ms: 300 });
    const started = Date.now();
    await t.stripe.customers.list({ limit: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await control("/__stand-in/latency", { ms: 0 });
  });

  it("fails the next matching call once per injected fault", async () => {
    await control("/__stand-in/faults", { method: "GET", path: "/v1/customers", count: 1 });
    await expect(t.stripe.customers.list({ limit: 1 })).rejects.toMatchObject({ statusCode: 500 });
    await expect(t.stripe.customers.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
  });
});
