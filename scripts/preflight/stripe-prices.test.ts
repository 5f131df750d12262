import { describe, expect, it } from "vitest";
import { PLANS } from "../../src/server/billing/plans";
import { priceProblems } from "./stripe-prices";

const proMonthly = { id: "price_pro_m", active: true, livemode: true, currency: "usd", unit_amount: PLANS.pro.prices!.month, recurring: { interval: "month" } };
const check = (price: typeof proMonthly, liveKey = true) => priceProblems("STRIPE_PRICE_PRO_MONTHLY", price, "pro", "month", liveKey);

describe("priceProblems", () => {
  it("passes a price matching the plan table in the key's mode", () => {
    expect(check(proMonthly)).toEqual([]);
    expect(check({ ...proMonthly, livemode: false }, false)).toEqual([]);
  });

  it("fails a test-mode price under a live key, and the reverse, naming the variable", () => {
    expect(check({ ...proMonthly, livemode: false })).toEqual([
      { variable: "STRIPE_PRICE_PRO_MONTHLY", message: "price_pro_m is a test-mode price but STRIPE_SECRET_KEY is a live key" },
    ]);
    expect(check(proMonthly, false)[0]!.message).toContain("live-mode price but STRIPE_SECRET_KEY is a test key");
  });

  it("fails an amount, currency or interval other than the plan table's, and an archived price", () => {
    expect(check({ ...proMonthly, unit_amount: 1900 })[0]!.message).toBe(`price_pro_m is 1900 usd, the plan table says ${PLANS.pro.prices!.month} usd (pro per month)`);
    expect(check({ ...proMonthly, currency: "eur" })).toHaveLength(1);
    expect(check({ ...proMonthly, recurring: { interval: "year" } })[0]!.message).toContain("recurs per year");
    expect(check({ ...proMonthly, active: false })[0]!.message).toContain("archived");
  });
});
