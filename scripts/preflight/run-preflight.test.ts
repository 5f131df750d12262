import { describe, expect, it } from "vitest";
import { formatReport, preflightPassed, runPreflight, type CheckResult } from "./run-preflight";

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

  it("passes with warnings, printing them under their check", () => {
    const warned: CheckResult = { ...ok, problems: [{ variable: "STRIPE_SECRET_KEY", message: "is a test-mode key", warning: true }] };
    expect(preflightPassed([warned])).toBe(true);
    expect(formatReport([warned]).split("\n")).toEqual(["ok   database migrated", "     warning: STRIPE_SECRET_KEY: is a test-mode key", "preflight: ready to serve."]);
  });

  it("reports a check that throws as a problem naming its variable, and still runs the others", async () => {
    const results = await runPreflight({}, { jobs: "qstash" }, [
      { name: "throws", variable: "DATABASE_URL", run: () => Promise.reject(Object.assign(new TypeError("Invalid URL"), { code: "ERR_INVALID_URL" })) },
      { name: "fine", variable: "APP_URL", run: () => Promise.resolve([]) },
    ]);
    expect(results).toEqual([
      { name: "throws", problems: [{ variable: "DATABASE_URL", message: "the check could not run: ERR_INVALID_URL: Invalid URL" }], skipped: false },
      { name: "fine", problems: [], skipped: false },
    ]);
  });
});
