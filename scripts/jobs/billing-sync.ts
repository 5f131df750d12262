/**
 * `npm run job:billing-sync`: the daily billing sync, run by hand against DATABASE_URL and the
 * configured Stripe (every batch in turn, then the orgs that failed once more, a bounded number
 * of times; no QStash involved). Prints what it did and exits 1 when orgs still fail.
 */
import "dotenv/config";

const { runBillingSyncToEnd } = await import("../../src/server/jobs/billing-sync");
const result = await runBillingSyncToEnd();
console.log(JSON.stringify(result, null, 2));
process.exit(result.failed.length ? 1 : 0);
