import { describe, expect, it } from "vitest";
import { PLANS, publicPlans } from "~/server/billing/plans";
import { CANCELABLE_STATUSES, CHANGEABLE_STATUSES, LIVE_STATUSES } from "~/server/billing/subscription-status";
import {
  blockedReason,
  cancelWording,
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
  status: "active",
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

describe("planCardAction in each status: only what the server accepts is offered", () => {
  const { free, pro, business } = PLANS;

  it("past_due and unpaid: changes and the downgrade to Free are shown disabled until the open invoice is paid", () => {
    for (const status of ["past_due", "unpaid"]) {
      const sub = { ...proMonthly, status };
      expect(planCardAction(business, "month", sub, false)).toEqual({ kind: "blocked", label: "Upgrade to Business", reason: "Pay the open invoice first." });
      expect(planCardAction(pro, "year", sub, false)).toEqual({ kind: "blocked", label: "Switch to yearly", reason: "Pay the open invoice first." });
      expect(planCardAction(pro, "month", sub, false)).toEqual({ kind: "current" });
    }
    // The server cancels past_due and unpaid subscriptions: Free stays on offer.
    expect(planCardAction(free, "month", { ...proMonthly, status: "past_due" }, false)).toEqual({ kind: "downgrade_to_free" });
    expect(planCardAction(free, "month", { ...proMonthly, status: "unpaid" }, false)).toEqual({ kind: "downgrade_to_free" });
  });

  it("paused and incomplete: neither a change nor a cancellation, each with what to do first", () => {
    expect(planCardAction(business, "month", { ...proMonthly, status: "paused" }, false)).toEqual({
      kind: "blocked",
      label: "Upgrade to Business",
      reason: "Resume the subscription first.",
    });
    expect(planCardAction(free, "month", { ...proMonthly, status: "paused" }, false)).toEqual({
      kind: "blocked",
      label: "Downgrade to Free",
      reason: "Resume the subscription first.",
    });
    expect(planCardAction(free, "month", { ...proMonthly, status: "incomplete" }, false)).toEqual({
      kind: "blocked",
      label: "Downgrade to Free",
      reason: "Finish the first payment first.",
    });
  });

  it("agrees with the server's sets for every live status", () => {
    for (const status of LIVE_STATUSES) {
      const sub = { ...proMonthly, status };
      const change = planCardAction(business, "month", sub, false);
      const toFree = planCardAction(free, "month", sub, false);
      expect(change.kind === "change", status).toBe((CHANGEABLE_STATUSES as readonly string[]).includes(status));
      expect(toFree.kind === "downgrade_to_free", status).toBe((CANCELABLE_STATUSES as readonly string[]).includes(status));
      if (change.kind === "blocked") expect(change.reason).toBe(blockedReason(status));
    }
  });
});

describe("cancelWording per status", () => {
  const base = { planName: "Pro", ends: "Dec 14, 2026", owed: null };
  const owed = { amount: "$29.00", graceEnds: "Dec 21, 2026" };

  it("active: kept until the end of the paid period, nothing more charged", () => {
    const w = cancelWording({ ...base, status: "active" });
    expect(w.summary).toBe("Canceling stops the renewal. You keep Pro until the end of the period you paid for (Dec 14, 2026).");
    expect(w.confirmation).toContain("Your Pro plan stays on until Dec 14, 2026; nothing more is charged after that.");
    expect(w.confirmation).toContain("moves to the Free plan (100,000 Gemini tokens / month, 3 projects, 1 team member)");
  });

  it("trialing: nothing was paid and nothing will be; no 'period you paid for'", () => {
    const w = cancelWording({ ...base, status: "trialing" });
    expect(w.confirmation).toContain("Your Pro trial stays on until Dec 14, 2026; you will not be charged.");
    expect(`${w.summary} ${w.confirmation}`).not.toMatch(/paid for|nothing more is charged/);
  });

  it("past_due: the open invoice is still retried, its amount, and the plan only until the grace ends", () => {
    const w = cancelWording({ ...base, status: "past_due", owed });
    expect(w.summary).toContain("the open invoice of $29.00: Stripe keeps retrying your card");
    expect(w.confirmation).toContain("Canceling does not settle the open invoice of $29.00");
    expect(w.confirmation).toContain("your Pro limits stay on until Dec 21, 2026 at most");
    expect(`${w.summary} ${w.confirmation}`).not.toMatch(/nothing more is charged|paid for/);
  });

  it("unpaid: the paid limits are already off", () => {
    const w = cancelWording({ ...base, status: "unpaid" });
    expect(w.summary).toContain("The Pro limits are already off");
    expect(w.confirmation).toContain("The subscription ends on Dec 14, 2026.");
    expect(w.confirmation).not.toMatch(/nothing more is charged|stays on until/);
  });
});
