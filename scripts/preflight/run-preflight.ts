import { checkDatabase } from "./database";
import { checkEnv } from "./env-check";
import type { CheckOutcome, PreflightConfig, PreflightOptions, Problem } from "./problems";
import { checkSchedules } from "./schedules";
import { checkLinkedCustomers } from "./stripe-customers";
import { checkStripePrices } from "./stripe-prices";

type Check = { name: string; run: (config: PreflightConfig, opts: PreflightOptions) => Promise<CheckOutcome>; qstashOnly?: boolean };

/** The checks in the order they are reported; each names the variable behind every problem. */
export const CHECKS: Check[] = [
  { name: "environment complete and consistent", run: async (config, opts) => checkEnv(config, opts) },
  { name: "database migrated", run: (config) => checkDatabase(config) },
  { name: "Stripe prices exist and match the plan table", run: checkStripePrices },
  { name: "linked Stripe customers exist in this account", run: checkLinkedCustomers },
  // A local scheduler runs the job CLIs instead: nothing at QStash to check.
  { name: "QStash schedules registered at APP_URL", run: checkSchedules, qstashOnly: true },
];

/** `skipped`: the check could not run for want of what another check names (it is not a pass). */
export type CheckResult = { name: string; problems: Problem[]; skipped: boolean };

/** Runs every check (they are independent, so one failing does not hide the others). */
export async function runPreflight(config: PreflightConfig, opts: PreflightOptions = { jobs: "qstash" }): Promise<CheckResult[]> {
  const checks = CHECKS.filter((check) => opts.jobs === "qstash" || !check.qstashOnly);
  return Promise.all(
    checks.map(async (check) => {
      const outcome = await check.run(config, opts);
      return { name: check.name, problems: outcome ?? [], skipped: outcome === null };
    }),
  );
}

/** Ready only when every check ran and found nothing. */
export const preflightPassed = (results: CheckResult[]) => results.every((r) => !r.skipped && r.problems.length === 0);

/** The report printed by `npm run preflight`: one line per check, one per problem. */
export function formatReport(results: CheckResult[]): string {
  const lines = results.flatMap(({ name, problems, skipped }) => [
    `${problems.length ? "FAIL" : skipped ? "skip" : "ok  "} ${name}${skipped ? " (not checked: fix the variables above first)" : ""}`,
    ...problems.map((p) => `     ${p.variable}: ${p.message}`),
  ]);
  const failed = results.reduce((n, r) => n + r.problems.length, 0);
  const skipped = results.filter((r) => r.skipped).length;
  lines.push(
    preflightPassed(results)
      ? "preflight: ready to serve."
      : `preflight: ${failed} problem(s)${skipped ? `, ${skipped} check(s) not run` : ""}; fix them before this deployment serves.`,
  );
  return lines.join("\n");
}
