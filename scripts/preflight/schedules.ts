import { Client } from "@upstash/qstash";
import { JOB_SCHEDULES } from "../../src/server/jobs/schedules";
import { jobUrl } from "../../src/server/jobs/job-routes";
import { problem, reasonOf, SKIPPED, valueOf, type CheckOutcome, type PreflightConfig, type Problem } from "./problems";

type RegisteredSchedule = { scheduleId: string; destination: string; cron: string; isPaused?: boolean };

/**
 * Each job's schedule must be registered, running, on its cron, and call APP_URL's route: QStash
 * signs for the URL it calls, and the route verifies against APP_URL, so a schedule left at an
 * old address calls nothing that accepts it.
 */
export function scheduleProblems(registered: RegisteredSchedule[], appUrl: string): Problem[] {
  const problems: Problem[] = [];
  for (const job of JOB_SCHEDULES) {
    const expected = jobUrl(job.path, appUrl);
    const found = registered.find((s) => s.scheduleId === job.scheduleId);
    const fix = "run npm run jobs:schedule with this APP_URL";
    if (!found) problems.push(problem("APP_URL", `no QStash schedule ${job.scheduleId} (${job.description}); ${fix}`));
    else if (found.destination !== expected) problems.push(problem("APP_URL", `QStash schedule ${job.scheduleId} calls ${found.destination}, not ${expected}; ${fix}`));
    else if (found.cron !== job.cron) problems.push(problem("APP_URL", `QStash schedule ${job.scheduleId} runs "${found.cron}", not "${job.cron}"; ${fix}`));
    else if (found.isPaused) problems.push(problem("APP_URL", `QStash schedule ${job.scheduleId} is paused`));
  }
  return problems;
}

/** The QStash account of QSTASH_TOKEN holds the job schedules for APP_URL. */
export async function checkSchedules(config: PreflightConfig): Promise<CheckOutcome> {
  const token = valueOf(config, "QSTASH_TOKEN");
  const appUrl = valueOf(config, "APP_URL");
  if (!token || !appUrl) return SKIPPED; // checkEnv names them
  const baseUrl = valueOf(config, "QSTASH_URL");
  const client = new Client({ token, ...(baseUrl ? { baseUrl } : {}), retry: false });
  try {
    return scheduleProblems(await client.schedules.list(), appUrl);
  } catch (error) {
    return [problem("QSTASH_TOKEN", `QStash refused or did not answer the schedule list: ${reasonOf(error)}`)];
  }
}
