import { describe, expect, it } from "vitest";
import { plansRoute } from "~/server/rest/billing";

describe("GET /api/billing/plans", () => {
  it("answers the public plan table without signing in", async () => {
    const res = await plansRoute(new Request("http://localhost/api/billing/plans"));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { plans: { id: string; prices: { month: number } | null }[] };
    expect(body.plans.map((p) => [p.id, p.prices?.month ?? null])).toEqual([
      ["free", null],
      ["pro", 2_900],
      ["business", 14_900],
    ]);
    expect(JSON.stringify(body)).not.toContain("price_");
  });
});
