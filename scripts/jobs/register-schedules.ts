/**
 * `npm run jobs:schedule`: creates or updates the QStash schedules of the job routes for APP_URL
 * (idempotent: fixed schedule ids). Needs QSTASH_TOKEN (and QSTASH_URL for the stand-in).
 */
import "dotenv/config";
import { Client } from "@upstash/qstash";
import { registerSchedules } from "../../src/server/jobs/schedules";

const token = process.env.QSTASH_TOKEN;
const appUrl = process.env.APP_URL;
if (!token || !appUrl) {
  console.error("Set QSTASH_TOKEN and APP_URL (the public URL QStash will call).");
  process.exit(1);
}
const client = new Client({ token, ...(process.env.QSTASH_URL ? { baseUrl: process.env.QSTASH_URL } : {}) });
for (const job of await registerSchedules(client, appUrl)) console.log(`${job.scheduleId}: ${job.cron} (UTC) → POST ${job.destination}`);
