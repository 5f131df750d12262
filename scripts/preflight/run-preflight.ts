import { checkDatabase } from "./database";
import { checkEnv } from "./env-check";
import type { PreflightConfig, Problem } from "./problems";
import { checkSchedules } from "./schedules";
import { checkLinkedCustomers } from "./stripe-customers";
import { checkStripePrices } from "./stripe-prices";

/** The checks in the order they are reported; each names the variable behind every problem. */
export const CHECKS = [
  { name: "environment complete and consistent", run: (config: PreflightConfig) => Promise.resolve(checkEnv(config)) },
  { name: "database migrated", run: checkDatabase },
  { name: "Stripe prices exist and match the plan table", run: checkStripePrices },
  { name: "linked Stripe customers exist in this account", run: checkLinkedCustomers },
  { name: "QStash schedules registered at APP_URL", run: checkSchedules },
] as const;

export type CheckResult = { name: string; problems: Problem[] };

/** Runs every check (they are independent, so one failing does not hide the others). */
export async function runPreflight(config: PreflightConfig): Promise<CheckResult[]> {
  return Promise.all(CHECKS.map(async (check) => ({ name: check.name, problems: await check.run(config) })));
}

/** The report printed by `npm run preflight`: one line per check, one per problem. */
export function formatReport(results: CheckResult[]): string {
  const lines = results.flatMap(({ name, problems }) => [
    `${problems.length ? "FAIL" : "ok  "} ${name}`,
    ...problems.map((p) => `     ${p.variable}: ${p.message}`),
  ]);
  const failed = results.reduce((n, r) => n + r.problems.length, 0);
  lines.push(failed ? `preflight: ${failed} problem(s); fix them before this deployment serves.` : "preflight: ready to serve.");
  return lines.join("\n");
}
