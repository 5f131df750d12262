import { describe, expect, it } from "vitest";
import { isUpgrade, PLANS, publicPlans, yearlySaving } from "./plans";

describe("the plan table", () => {
  it("holds the guide's prices in cents and limits (null = unlimited)", () => {
    expect(PLANS.pro.prices).toEqual({ month: 2_900, year: 29_000 });
    expect(PLANS.business.prices).toEqual({ month: 14_900, year: 149_000 });
    expect(Object.fromEntries(Object.values(PLANS).map((p) => [p.id, p.limits]))).toEqual({
      free: { gemini_tokens: 100_000, projects: 3, team_members: 1 },
      pro: { gemini_tokens: 2_000_000, projects: 25, team_members: 5 },
      business: { gemini_tokens: 10_000_000, projects: null, team_members: null },
    });
  });

  it("computes the yearly saving against twelve monthly payments", () => {
    expect(yearlySaving(PLANS.pro)).toBe(2 * 2_900);
    expect(yearlySaving(PLANS.business)).toBe(2 * 14_900);
    expect(yearlySaving(PLANS.free)).toBe(0);
  });

  it("orders plans for upgrades and downgrades", () => {
    expect(isUpgrade("pro", "business")).toBe(true);
    expect(isUpgrade("business", "pro")).toBe(false);
    expect(isUpgrade("pro", "pro")).toBe(false);
  });

  it("publishes no Stripe ids or lookup keys", () => {
    const published = JSON.stringify(publicPlans());
    expect(published).not.toMatch(/price_|lookup|vantflow_/);
    expect(publicPlans().map((p) => [p.id, p.trialDays])).toEqual([
      ["free", 0],
      ["pro", 14],
      ["business", 14],
    ]);
  });
});
