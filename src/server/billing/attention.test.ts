import { describe, expect, it } from "vitest";
import { attentionItems, type AttentionInput } from "~/server/billing/attention";

const DAY = 86_400_000;
const periodEnd = new Date("2026-12-15T00:00:00Z");

const overview = (o: Partial<AttentionInput["overview"]> = {}): AttentionInput["overview"] => ({
  status: "active",
  trialDaysLeft: null,
  subscription: { trialEnd: null, currentPeriodEnd: periodEnd, cancelAtPeriodEnd: false },
  pastDue: null,
  graceEndsAt: null,
  ...o,
});

/** Free limits, well below them. */
const usage = (tokens = 1_000, projects = 1, members = 1): AttentionInput["usage"] => [
  { metric: "gemini_tokens", current: tokens, limit: 100_000, percentage: (tokens / 100_000) * 100 },
  { metric: "projects", current: projects, limit: 3, percentage: Math.round((projects / 3) * 10_000) / 100 },
  { metric: "team_members", current: members, limit: 1, percentage: members * 100 },
];

const noBudget = [{ metric: "gemini_tokens", budget: null }];
const kinds = (input: AttentionInput, days?: number) => attentionItems(input, days).map((i) => i.kind);

describe("attentionItems", () => {
  it("nothing for an active org well inside its limits, its one seat in use included", () => {
    expect(attentionItems({ overview: overview(), usage: usage(), budgets: noBudget })).toEqual([]);
  });

  it("past_due: what is owed, where to pay it and when the paid limits stop", () => {
    const graceEndsAt = new Date("2026-12-20T00:00:00Z");
    const pastDue = { amountDue: 2_900, currency: "usd", payUrl: "https://pay.example/in_1", graceEndsAt };
    expect(attentionItems({ overview: overview({ status: "past_due", pastDue, graceEndsAt }), usage: usage(), budgets: noBudget })).toEqual([
      { kind: "past_due", ...pastDue },
    ]);
  });

  it("past_due with no open invoice stored yet: still listed, with the grace end of the entitlements", () => {
    const graceEndsAt = new Date("2026-12-20T00:00:00Z");
    expect(attentionItems({ overview: overview({ status: "past_due", graceEndsAt }), usage: usage(), budgets: noBudget })).toEqual([
      { kind: "past_due", amountDue: null, currency: null, payUrl: null, graceEndsAt },
    ]);
  });

  it("unpaid", () => {
    expect(kinds({ overview: overview({ status: "unpaid" }), usage: usage(), budgets: noBudget })).toEqual(["unpaid"]);
  });

  it("a trial ending within the window (inclusive), not before it", () => {
    const trialEnd = new Date(periodEnd.getTime());
    const trial = (daysLeft: number) => overview({ status: "trialing", trialDaysLeft: daysLeft, subscription: { trialEnd, currentPeriodEnd: periodEnd, cancelAtPeriodEnd: false } });
    expect(attentionItems({ overview: trial(3), usage: usage(), budgets: noBudget })).toEqual([{ kind: "trial_ending", daysLeft: 3, trialEnd }]);
    expect(kinds({ overview: trial(0), usage: usage(), budgets: noBudget })).toEqual(["trial_ending"]);
    expect(kinds({ overview: trial(4), usage: usage(), budgets: noBudget })).toEqual([]);
    expect(kinds({ overview: trial(7), usage: usage(), budgets: noBudget }, 7)).toEqual(["trial_ending"]);
  });

  it("a trial canceled at its end is a pending cancellation, not a trial ending", () => {
    const sub = { trialEnd: periodEnd, currentPeriodEnd: periodEnd, cancelAtPeriodEnd: true };
    expect(attentionItems({ overview: overview({ status: "trialing", trialDaysLeft: 2, subscription: sub }), usage: usage(), budgets: noBudget })).toEqual([
      { kind: "pending_cancellation", endsAt: periodEnd },
    ]);
  });

  it("a monthly quota at 80 % and more is near its limit; below 80 % it is not", () => {
    expect(kinds({ overview: overview(), usage: usage(79_999), budgets: noBudget })).toEqual([]);
    expect(attentionItems({ overview: overview(), usage: usage(80_000), budgets: noBudget })).toEqual([
      { kind: "near_limit", metric: "gemini_tokens", percentage: 80, limitType: "plan" },
    ]);
  });

  it("a limit reached: the monthly quota at or over it, projects at it, seats only over it", () => {
    expect(attentionItems({ overview: overview(), usage: usage(100_000, 3, 2), budgets: noBudget })).toEqual([
      { kind: "limit_reached", metric: "team_members", current: 2, limit: 1 },
      { kind: "limit_reached", metric: "gemini_tokens", current: 100_000, limit: 100_000 },
      { kind: "limit_reached", metric: "projects", current: 3, limit: 3 },
    ]);
  });

  it("an owner's budget in force: reached is budget_reached, near it names the budget", () => {
    const budgetLine = (current: number): AttentionInput["usage"] => [{ metric: "gemini_tokens", current, limit: 50_000, percentage: (current / 50_000) * 100 }];
    const budgets = [{ metric: "gemini_tokens", budget: 50_000 }];
    expect(attentionItems({ overview: overview(), usage: budgetLine(50_000), budgets })).toEqual([
      { kind: "budget_reached", metric: "gemini_tokens", current: 50_000, limit: 50_000 },
    ]);
    expect(attentionItems({ overview: overview(), usage: budgetLine(45_000), budgets })).toEqual([
      { kind: "near_limit", metric: "gemini_tokens", percentage: 90, limitType: "budget" },
    ]);
    // A budget above the plan's limit is not the one in force.
    expect(kinds({ overview: overview(), usage: usage(100_000), budgets: [{ metric: "gemini_tokens", budget: 150_000 }] })).toEqual(["limit_reached"]);
  });

  it("unlimited metrics never need attention", () => {
    expect(attentionItems({ overview: overview(), usage: [{ metric: "projects", current: 500, limit: null, percentage: 0 }], budgets: noBudget })).toEqual([]);
  });

  it("a pending cancellation names the end of the period", () => {
    const sub = { trialEnd: null, currentPeriodEnd: periodEnd, cancelAtPeriodEnd: true };
    expect(attentionItems({ overview: overview({ subscription: sub }), usage: usage(), budgets: noBudget })).toEqual([{ kind: "pending_cancellation", endsAt: periodEnd }]);
  });

  it("orders money owed, then limits reached (budget first), trial ending, near limits (fullest first), pending cancellation", () => {
    const input: AttentionInput = {
      overview: overview({ status: "past_due", trialDaysLeft: 1, subscription: { trialEnd: new Date(periodEnd.getTime() - DAY), currentPeriodEnd: periodEnd, cancelAtPeriodEnd: false } }),
      usage: [
        { metric: "projects", current: 20, limit: 25, percentage: 80 },
        { metric: "team_members", current: 6, limit: 5, percentage: 120 },
        { metric: "gemini_tokens", current: 90_000, limit: 90_000, percentage: 100 },
      ],
      budgets: [{ metric: "gemini_tokens", budget: 90_000 }],
    };
    expect(kinds(input)).toEqual(["past_due", "budget_reached", "limit_reached", "trial_ending", "near_limit"]);

    const nearBoth: AttentionInput = {
      overview: overview({ status: "unpaid", subscription: { trialEnd: null, currentPeriodEnd: periodEnd, cancelAtPeriodEnd: true } }),
      usage: [
        { metric: "gemini_tokens", current: 81_000, limit: 100_000, percentage: 81 },
        { metric: "projects", current: 22, limit: 25, percentage: 88 },
      ],
      budgets: noBudget,
    };
    expect(attentionItems(nearBoth).map((i) => ("metric" in i ? `${i.kind}:${i.metric}` : i.kind))).toEqual([
      "unpaid",
      "near_limit:projects",
      "near_limit:gemini_tokens",
      "pending_cancellation",
    ]);
  });
});
