import { describe, expect, it } from "vitest";
import { setupCatalog } from "~/server/billing/setup-catalog";
import { prices, sdk } from "~/test/stripe";

describe("npm run stripe:setup (setupCatalog)", () => {
  it("is idempotent: a second run finds the same prices by lookup key", async () => {
    const again = await setupCatalog(sdk);
    expect(again).toEqual(prices);
    expect(Object.keys(again).sort()).toEqual([
      "STRIPE_PRICE_BUSINESS_MONTHLY",
      "STRIPE_PRICE_BUSINESS_YEARLY",
      "STRIPE_PRICE_PRO_MONTHLY",
      "STRIPE_PRICE_PRO_YEARLY",
    ]);
    const pro = await sdk.prices.retrieve(again.STRIPE_PRICE_PRO_YEARLY!);
    expect(pro).toMatchObject({ unit_amount: 29_000, currency: "usd", lookup_key: "vantflow_pro_yearly", recurring: { interval: "year" } });
    expect((await sdk.products.retrieve("vantflow_business")).name).toBe("VantFlow Business");
  });
});
