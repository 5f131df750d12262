/**
 * `npm run job:billing-sync`: the daily billing reconcile, run by hand against DATABASE_URL and
 * the configured Stripe (a whole run, call after call in this process, then the orgs that failed
 * synced again one by one, a bounded number of times; no QStash involved). Prints what it did and
 * exits 1 when orgs still fail; a run stopped by the missing-customers guard throws (exit 1).
 */
import "dotenv/config";

const { runBillingSyncToEnd } = await import("../../src/server/jobs/billing-sync");
const result = await runBillingSyncToEnd();
console.log(JSON.stringify(result, null, 2));
process.exit(result.failed.length ? 1 : 0);
