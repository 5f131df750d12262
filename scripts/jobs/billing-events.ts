/**
 * `npm run job:billing-events`: the webhook event drain run by hand against DATABASE_URL and the
 * configured Stripe (no QStash involved): every customer with due events is synced once, in
 * rounds until none is due. Prints what it did; exits 1 when some customer's sync failed (its
 * events are FAILED with the error and their next attempt) or its processing threw (errored).
 */
import "dotenv/config";

const { drainBillingEvents } = await import("../../src/server/jobs/billing-events");
const { db } = await import("../../src/server/clients/db");
const total = { customers: 0, processed: 0, ignored: 0, failed: 0, busy: 0, errored: 0 };
let more = true;
while (more) {
  const round = await drainBillingEvents();
  for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += round[key];
  more = round.more;
}
console.log(JSON.stringify(total, null, 2));
await db.$disconnect();
process.exit(total.failed || total.errored ? 1 : 0);
