import { describe, expect, it } from "vitest";
import { PLANS, publicPlans } from "~/server/billing/plans";
import {
  limitLines,
  pendingChangeLabel,
  planAtInterval,
  planCardAction,
  priceLabel,
  trialContinuesLabel,
  yearlyToggleNote,
  type PickerSubscription,
} from "./billing-labels";

const proMonthly: PickerSubscription = {
  plan: "pro",
  interval: "month",
  cancelAtPeriodEnd: false,
  currentPeriodEnd: "2026-12-14T00:00:00Z",
  pendingPlan: null,
  pendingInterval: null,
};

describe("price and plan wording", () => {
  it("a price per interval, whole dollars without cents", () => {
    expect(priceLabel(2900, "usd", "month")).toBe("$29 / month");
    expect(priceLabel(29050, "usd", "year")).toBe("$290.50 / year");
  });

  it("plan keys become plan names; a scheduled change names plan, interval and date", () => {
    expect(planAtInterval("business", "year")).toBe("Business (yearly)");
    expect(pendingChangeLabel("pro", "month", "Dec 1, 2026")).toBe("Switches to Pro (monthly) on Dec 1, 2026");
  });

  it("limits read as counts, unlimited ones as such, one member in the singular", () => {
    expect(limitLines(PLANS.free.limits)).toEqual(["100,000 Gemini tokens / month", "3 projects", "1 team member"]);
    expect(limitLines(PLANS.business.limits)).toEqual(["10,000,000 Gemini tokens / month", "Unlimited projects", "Unlimited team members"]);
  });

  it("the trial preview says the trial goes on and when the first charge comes", () => {
    expect(trialContinuesLabel("Dec 14, 2026", { amount: 14_900, currency: "usd", date: "Dec 14, 2026" })).toBe(
      "Your trial continues until Dec 14, 2026; you'll be charged $149.00 on Dec 14, 2026.",
    );
  });
});

describe("yearlyToggleNote: the toggle promises only what holds for every plan", () => {
  it("the plan table's plans each save two months a year", () => {
    expect(yearlyToggleNote(publicPlans())).toBe("2 months free");
  });

  it("plans that save different amounts get no shared claim", () => {
    const pro = { prices: { month: 2_900, year: 29_000 } };
    const other = { prices: { month: 1_000, year: 11_000 } };
    expect(yearlyToggleNote([pro, other])).toBeNull();
  });

  it("a saving that is not a whole number of months, or none, is not claimed", () => {
    expect(yearlyToggleNote([{ prices: { month: 1_000, year: 10_500 } }])).toBeNull();
    expect(yearlyToggleNote([{ prices: { month: 1_000, year: 12_000 } }])).toBeNull();
    expect(yearlyToggleNote([{ prices: null }])).toBeNull();
  });
});

describe("planCardAction", () => {
  const free = PLANS.free;
  const pro = PLANS.pro;
  const business = PLANS.business;

  it("without a subscription: Free is current, paid plans start a trial only when one is available", () => {
    expect(planCardAction(free, "month", null, true)).toEqual({ kind: "current" });
    expect(planCardAction(pro, "year", null, true)).toEqual({ kind: "checkout", label: "Start 14-Day Trial" });
    expect(planCardAction(pro, "month", null, false)).toEqual({ kind: "checkout", label: "Subscribe to Pro" });
  });

  it("the current plan at the other interval is a switch of interval, not a new plan", () => {
    expect(planCardAction(pro, "month", proMonthly, false)).toEqual({ kind: "current" });
    expect(planCardAction(pro, "year", proMonthly, false)).toEqual({ kind: "change", label: "Switch to yearly", primary: true });
    expect(planCardAction(pro, "month", { ...proMonthly, interval: "year" }, false)).toEqual({ kind: "change", label: "Switch to monthly", primary: false });
  });

  it("other plans are upgrades or switches; a scheduled one is not offered again", () => {
    expect(planCardAction(business, "year", proMonthly, false)).toEqual({ kind: "change", label: "Upgrade to Business", primary: true });
    const onBusiness = { ...proMonthly, plan: "business", pendingPlan: "pro", pendingInterval: "month" };
    expect(planCardAction(pro, "month", onBusiness, false)).toEqual({ kind: "scheduled", on: proMonthly.currentPeriodEnd });
    expect(planCardAction(pro, "year", onBusiness, false)).toEqual({ kind: "change", label: "Switch to Pro", primary: false });
  });

  it("Free with a subscription is a cancellation at the period end, or scheduled once canceled", () => {
    expect(planCardAction(free, "month", proMonthly, false)).toEqual({ kind: "downgrade_to_free" });
    expect(planCardAction(free, "year", { ...proMonthly, cancelAtPeriodEnd: true }, false)).toEqual({ kind: "scheduled", on: proMonthly.currentPeriodEnd });
  });
});
