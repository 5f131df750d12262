/**
 * `npm run job:usage-flush`: the hourly usage flush run by hand (the guide's
 * `UsageFlushJob.run()`), against DATABASE_URL and the configured counter store (REDIS_URL or
 * Upstash; no QStash involved). Prints the run's summary; exits 1 when the flush fails (the
 * batches written stand, and running it again writes every counter again).
 */
import "dotenv/config";

const { flushUsage } = await import("../../src/server/jobs/usage-flush");
try {
  console.log(JSON.stringify(await flushUsage({ trigger: "cli" }), null, 2));
  process.exit(0);
} catch (error) {
  console.error("usage flush failed:", error instanceof Error ? error.message : error);
  process.exit(1);
}
