import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStripeStandIn, type StripeStandIn } from "../../../e2e/stand-ins/stripe/server";
import { stripeConnection } from "./stripe-connection";

describe("stripeConnection", () => {
  it("is empty without a base URL, so the SDK talks to api.stripe.com", () => {
    expect(stripeConnection(undefined)).toEqual({});
  });

  it("splits a base URL into the SDK's host, port and protocol", () => {
    expect(stripeConnection("http://127.0.0.1:12111")).toEqual({ host: "127.0.0.1", port: 12111, protocol: "http" });
    expect(stripeConnection("https://stripe.internal")).toEqual({ host: "stripe.internal", port: 443, protocol: "https" });
  });

  describe("against the stand-in", () => {
    let standIn: StripeStandIn;
    beforeAll(async () => void (standIn = await startStripeStandIn({ secretKey: "sk_test_connection" })));
    afterAll(() => standIn.close());

    it("points the official SDK at STRIPE_API_BASE and nothing else", async () => {
      const sdk = new Stripe("sk_test_connection", { ...stripeConnection(standIn.url), maxNetworkRetries: 0 });
      const customer = await sdk.customers.create({ email: "base@example.test" });
      expect(standIn.store.get("customer", customer.id).email).toBe("base@example.test");
    });
  });
});
