import { checkDatabase } from "./database";
import { checkEnv } from "./env-check";
import type { PreflightConfig, PreflightOptions, Problem } from "./problems";
import { checkSchedules } from "./schedules";
import { checkLinkedCustomers } from "./stripe-customers";
import { checkStripePrices } from "./stripe-prices";

type Check = { name: string; run: (config: PreflightConfig, opts: PreflightOptions) => Promise<Problem[]>; qstashOnly?: boolean };

/** The checks in the order they are reported; each names the variable behind every problem. */
export const CHECKS: Check[] = [
  { name: "environment complete and consistent", run: async (config, opts) => checkEnv(config, opts) },
  { name: "database migrated", run: (config) => checkDatabase(config) },
  { name: "Stripe prices exist and match the plan table", run: checkStripePrices },
  { name: "linked Stripe customers exist in this account", run: checkLinkedCustomers },
  // A local scheduler runs the job CLIs instead: nothing at QStash to check.
  { name: "QStash schedules registered at APP_URL", run: checkSchedules, qstashOnly: true },
];

export type CheckResult = { name: string; problems: Problem[] };

/** Runs every check (they are independent, so one failing does not hide the others). */
export async function runPreflight(config: PreflightConfig, opts: PreflightOptions = { jobs: "qstash" }): Promise<CheckResult[]> {
  const checks = CHECKS.filter((check) => opts.jobs === "qstash" || !check.qstashOnly);
  return Promise.all(checks.map(async (check) => ({ name: check.name, problems: await check.run(config, opts) })));
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
