import type { Client } from "@upstash/qstash";
import { JOB_PATHS, jobUrl } from "~/server/jobs/job-routes";

/** The QStash schedules of the job routes (cron in UTC). */
export const JOB_SCHEDULES = [
  { scheduleId: "vantflow-billing-sync-daily", path: JOB_PATHS.billingSync, cron: "0 2 * * *", description: "billing sync, daily at 02:00 UTC" },
  { scheduleId: "vantflow-usage-flush-hourly", path: JOB_PATHS.usageFlush, cron: "0 * * * *", description: "usage flush, hourly on the hour" },
  { scheduleId: "vantflow-billing-events-minutely", path: JOB_PATHS.billingEvents, cron: "* * * * *", description: "webhook event drain, every minute" },
  { scheduleId: "vantflow-notifications-minutely", path: JOB_PATHS.notifications, cron: "* * * * *", description: "email outbox sender, every minute" },
] as const;

/** Creates or updates each schedule by its fixed id: running it again changes nothing. */
export async function registerSchedules(client: Client, appUrl: string) {
  const registered = [];
  for (const job of JOB_SCHEDULES) {
    const destination = jobUrl(job.path, appUrl);
    await client.schedules.create({ scheduleId: job.scheduleId, destination, cron: job.cron, body: "{}", headers: { "content-type": "application/json" } });
    registered.push({ ...job, destination });
  }
  return registered;
}
