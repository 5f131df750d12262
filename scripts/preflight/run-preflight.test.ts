import { describe, expect, it } from "vitest";
import { formatReport, preflightPassed, type CheckResult } from "./run-preflight";

const ok: CheckResult = { name: "database migrated", problems: [], skipped: false };
const skipped: CheckResult = { name: "Stripe prices exist and match the plan table", problems: [], skipped: true };
const failed: CheckResult = { name: "environment complete and consistent", problems: [{ variable: "STRIPE_SECRET_KEY", message: "is not set (billing)" }], skipped: false };

describe("the preflight report", () => {
  it("is ready only when every check ran and found nothing: a check that could not run is no pass", () => {
    expect(preflightPassed([ok])).toBe(true);
    expect(preflightPassed([ok, skipped])).toBe(false);
    expect(preflightPassed([ok, failed])).toBe(false);
  });

  it("prints one line per check and one per problem, naming the variable", () => {
    expect(formatReport([failed, ok, skipped]).split("\n")).toEqual([
      "FAIL environment complete and consistent",
      "     STRIPE_SECRET_KEY: is not set (billing)",
      "ok   database migrated",
      "skip Stripe prices exist and match the plan table (not checked: fix the variables above first)",
      "preflight: 1 problem(s), 1 check(s) not run; fix them before this deployment serves.",
    ]);
    expect(formatReport([ok]).split("\n").at(-1)).toBe("preflight: ready to serve.");
  });
});
