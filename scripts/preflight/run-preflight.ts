import { checkDatabase } from "./database";
import { checkEnv } from "./env-check";
import { isBlocking, problem, reasonOf, type CheckOutcome, type PreflightConfig, type PreflightOptions, type Problem } from "./problems";
import { checkSchedules } from "./schedules";
import { checkLinkedCustomers } from "./stripe-customers";
import { checkStripePrices } from "./stripe-prices";

/** `variable`: what a check that throws is reported under (the value it could not use). */
type Check = {
  name: string;
  variable: string;
  run: (config: PreflightConfig, opts: PreflightOptions) => Promise<CheckOutcome>;
  qstashOnly?: boolean;
};

/** The checks in the order they are reported; each names the variable behind every problem. */
export const CHECKS: Check[] = [
  { name: "environment complete and consistent", variable: "environment", run: async (config, opts) => checkEnv(config, opts) },
  { name: "database migrated", variable: "DATABASE_URL", run: (config) => checkDatabase(config) },
  { name: "Stripe prices exist and match the plan table", variable: "STRIPE_SECRET_KEY", run: checkStripePrices },
  { name: "linked Stripe customers exist in this account", variable: "STRIPE_SECRET_KEY", run: checkLinkedCustomers },
  // A local scheduler runs the job CLIs instead: nothing at QStash to check.
  { name: "QStash schedules registered at APP_URL", variable: "QSTASH_TOKEN", run: checkSchedules, qstashOnly: true },
];

/** `skipped`: the check could not run for want of what another check names (it is not a pass). */
export type CheckResult = { name: string; problems: Problem[]; skipped: boolean };

/** A check that threw (a value its client could not even parse) is a problem, never a crash without a report. */
async function settle(check: Check, config: PreflightConfig, opts: PreflightOptions): Promise<CheckResult> {
  try {
    const outcome = await check.run(config, opts);
    return { name: check.name, problems: outcome ?? [], skipped: outcome === null };
  } catch (error) {
    return { name: check.name, problems: [problem(check.variable, `the check could not run: ${reasonOf(error)}`)], skipped: false };
  }
}

/** Runs every check (they are independent, so one failing does not hide the others). */
export async function runPreflight(config: PreflightConfig, opts: PreflightOptions = { jobs: "qstash" }, checks = CHECKS): Promise<CheckResult[]> {
  return Promise.all(checks.filter((check) => opts.jobs === "qstash" || !check.qstashOnly).map((check) => settle(check, config, opts)));
}

const blocking = (r: CheckResult) => r.problems.filter(isBlocking);

/** Ready only when every check ran and found nothing but warnings. */
export const preflightPassed = (results: CheckResult[]) => results.every((r) => !r.skipped && blocking(r).length === 0);

/** The report printed by `npm run preflight`: one line per check, one per problem or warning. */
export function formatReport(results: CheckResult[]): string {
  const lines = results.flatMap((r) => [
    `${blocking(r).length ? "FAIL" : r.skipped ? "skip" : "ok  "} ${r.name}${r.skipped ? " (not checked: fix the variables above first)" : ""}`,
    ...r.problems.map((p) => `     ${p.warning ? "warning: " : ""}${p.variable}: ${p.message}`),
  ]);
  const failed = results.reduce((n, r) => n + blocking(r).length, 0);
  const skipped = results.filter((r) => r.skipped).length;
  lines.push(
    preflightPassed(results)
      ? "preflight: ready to serve."
      : `preflight: ${failed} problem(s)${skipped ? `, ${skipped} check(s) not run` : ""}; fix them before this deployment serves.`,
  );
  return lines.join("\n");
}
