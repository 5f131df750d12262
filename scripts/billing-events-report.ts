/**
 * `npm run billing:events`: the webhook event queue at a glance, against DATABASE_URL — events
 * per status, the oldest waiting one's age, and the latest failures with attempts, last error and
 * next attempt (none: given up). `-- --failed 50` shows more failures. Read-only.
 */
import "dotenv/config";

const at = process.argv.indexOf("--failed");
const failedLimit = at > 0 ? Math.max(1, Math.min(1000, Number(process.argv[at + 1]) || 20)) : 20;
const { billingEventReport } = await import("../src/server/billing/billing-event-report");
const { db } = await import("../src/server/clients/db");
try {
  console.log(JSON.stringify(await billingEventReport({ failedLimit }), null, 2));
} finally {
  await db.$disconnect();
}
