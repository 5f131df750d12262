import { describe, expect, it } from "vitest";
import type { AttentionInput } from "~/server/billing/attention";
import { loadOrgHome, type HomeSection } from "./org-home-data";

const overview: AttentionInput["overview"] = {
  status: "past_due",
  trialDaysLeft: null,
  subscription: { trialEnd: null, currentPeriodEnd: new Date("2026-12-15T00:00:00Z"), cancelAtPeriodEnd: false },
  pastDue: { amountDue: 2_900, currency: "usd", payUrl: null, graceEndsAt: new Date("2026-12-20T00:00:00Z") },
  graceEndsAt: new Date("2026-12-20T00:00:00Z"),
};
const usage: AttentionInput["usage"] = [{ metric: "gemini_tokens", current: 90_000, limit: 100_000, percentage: 90 }];
const budgets = { budgets: [{ metric: "gemini_tokens", budget: null }] };
const invoices = { items: [{ id: "inv_1", total: 2_900 }] };
/** What the usage read throws when Redis is down. */
const redisDown = () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6390"));

function readers(overrides: Partial<Record<HomeSection, () => Promise<never>>> = {}) {
  return {
    overview: () => Promise.resolve(overview),
    usage: () => Promise.resolve(usage),
    budgets: () => Promise.resolve(budgets),
    invoices: () => Promise.resolve(invoices),
    ...overrides,
  };
}

describe("loadOrgHome", () => {
  it("all sections read: every card's data and the attention list from all of them", async () => {
    const failed: HomeSection[] = [];
    const home = await loadOrgHome(readers(), (section) => failed.push(section));
    expect(failed).toEqual([]);
    expect(home).toMatchObject({ overview, usage, budgets, invoices });
    expect(home.attention).toEqual({ items: [expect.objectContaining({ kind: "past_due" }), expect.objectContaining({ kind: "near_limit" })], incomplete: false });
  });

  it("the usage read failing (Redis down) leaves the other sections, and the attention list says it is incomplete", async () => {
    const failed: [HomeSection, unknown][] = [];
    const home = await loadOrgHome(readers({ usage: redisDown }), (section, error) => failed.push([section, error]));
    expect(home.usage).toBeNull();
    expect(home).toMatchObject({ overview, budgets, invoices });
    expect(home.attention).toEqual({ items: [expect.objectContaining({ kind: "past_due", amountDue: 2_900 })], incomplete: true });
    expect(failed).toEqual([["usage", expect.objectContaining({ message: expect.stringContaining("ECONNREFUSED") })]]);
  });

  it("without the overview there is no attention list to trust; usage and invoices still come back", async () => {
    const home = await loadOrgHome(readers({ overview: redisDown }), () => undefined);
    expect(home).toMatchObject({ overview: null, attention: null, usage, invoices });
  });
});
