import { describe, expect, it } from "vitest";
import { entitlementsOf, type SubscriptionFacts } from "~/server/billing/entitlements";

const NOW = new Date("2026-06-15T12:00:00Z");
const DAY = 86_400_000;
const sub = (status: string, extra: Partial<SubscriptionFacts> = {}): SubscriptionFacts => ({
  stripeSubscriptionId: `sub_${status}`,
  status,
  plan: "business",
  interval: "month",
  trialEnd: null,
  currentPeriodEnd: null,
  cancelAtPeriodEnd: false,
  pastDueSince: null,
  stripeCreatedAt: new Date(NOW.getTime() - 30 * DAY),
  ...extra,
});

describe("entitlementsOf", () => {
  it("gives free with status none to an org that never subscribed", () => {
    expect(entitlementsOf([], NOW, 7)).toMatchObject({ plan: "free", status: "none", limits: { projects: 3 } });
  });

  it.each(["trialing", "active"])("%s → the plan's limits", (status) => {
    expect(entitlementsOf([sub(status)], NOW, 7)).toMatchObject({ plan: "business", limits: { projects: null, gemini_tokens: 10_000_000 } });
  });

  it("past_due keeps the plan until the grace period after the unpaid invoice ends, then free", () => {
    const since = new Date(NOW.getTime() - 3 * DAY);
    expect(entitlementsOf([sub("past_due", { pastDueSince: since })], NOW, 7)).toMatchObject({
      plan: "business",
      graceEndsAt: new Date(since.getTime() + 7 * DAY),
    });
    expect(entitlementsOf([sub("past_due", { pastDueSince: since })], NOW, 2)).toMatchObject({ plan: "free", status: "past_due", subscribedPlan: "business" });
  });

  it.each(["canceled", "unpaid", "incomplete_expired", "incomplete", "paused"])("%s → free", (status) => {
    expect(entitlementsOf([sub(status)], NOW, 7)).toMatchObject({ plan: "free", status, limits: { gemini_tokens: 100_000 } });
  });

  it("an active subscription speaks for the org over an older canceled one", () => {
    const old = sub("canceled", { stripeSubscriptionId: "sub_old", plan: "pro" });
    expect(entitlementsOf([old, sub("active")], NOW, 7)).toMatchObject({ plan: "business", status: "active" });
  });

  it("a price the app does not sell gives free", () => {
    expect(entitlementsOf([sub("active", { plan: "unknown" })], NOW, 7)).toMatchObject({ plan: "free", status: "active" });
  });
});
