import { describe, expect, it } from "vitest";
import { parseStripeEvent } from "~/server/billing/stripe-event";
import { AppError, errorBody } from "~/server/errors";

const envelope = { id: "evt_1", type: "customer.updated", created: 1_795_000_000, livemode: false, api_version: null };
const parse = (data: unknown) => parseStripeEvent(JSON.stringify({ ...envelope, data }));

function faultOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return errorBody(error);
  }
  throw new Error("expected an AppError");
}

describe("parseStripeEvent", () => {
  it.each([
    ["a customer object", { object: { object: "customer", id: "cus_A" } }, "cus_A"],
    ["an object naming its customer", { object: { object: "invoice", id: "in_1", customer: "cus_B" } }, "cus_B"],
    ["an expanded customer", { object: { object: "invoice", id: "in_1", customer: { id: "cus_C", object: "customer" } } }, "cus_C"],
    ["a detached payment method (the previous value)", { object: { object: "payment_method", customer: null }, previous_attributes: { customer: "cus_D" } }, "cus_D"],
    ["no customer at all", { object: { object: "product", id: "prod_1" } }, null],
  ])("takes the customer from %s", (_, data, customerId) => {
    expect(parse(data)).toMatchObject({ id: "evt_1", type: "customer.updated", customerId });
  });

  it("names every faulty field, in the message and as fieldErrors", () => {
    expect(faultOf(() => parseStripeEvent(JSON.stringify({ id: "in_1", created: 1.5, livemode: "no", data: { object: [] } })))).toEqual({
      error: "Invalid request",
      code: "BAD_REQUEST",
      reason: "malformed_event",
      message:
        "The signed event is malformed: id must be a Stripe event id (evt_…); type is missing; created must be a Unix time in seconds; livemode must be true or false; data.object must be an object.",
      fieldErrors: {
        id: ["must be a Stripe event id (evt_…)"],
        type: ["is missing"],
        created: ["must be a Unix time in seconds"],
        livemode: ["must be true or false"],
        "data.object": ["must be an object"],
      },
    });
  });

  it("refuses a customer reference that is not a Stripe customer id, wherever it is", () => {
    expect(faultOf(() => parse({ object: { object: "customer" } })).message).toMatch(/data\.object\.id must be a Stripe customer id/);
    expect(faultOf(() => parse({ object: { object: "charge", customer: { id: 7 } } })).message).toMatch(/data\.object\.customer\.id must be/);
    expect(faultOf(() => parse({ object: { object: "charge" }, previous_attributes: { customer: "cus_\u0000" } })).message).toMatch(
      /data\.previous_attributes\.customer must be/,
    );
  });
});
