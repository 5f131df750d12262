/**
 * `npm run job:notifications`: the email outbox sender run by hand against DATABASE_URL and the
 * configured SendGrid (no QStash involved): sends every due notification, in rounds until none is
 * due. Prints what it did; exits 1 when some email failed for good or a mark could not be written.
 */
import "dotenv/config";

const { sendDueNotifications } = await import("../../src/server/notifications/send");
const { db } = await import("../../src/server/clients/db");
const total = { sent: 0, retrying: 0, failed: 0, superseded: 0, errored: 0 };
let more = true;
while (more) {
  const round = await sendDueNotifications();
  for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += round[key];
  more = round.more;
}
console.log(JSON.stringify(total, null, 2));
await db.$disconnect();
process.exit(total.failed || total.errored ? 1 : 0);
