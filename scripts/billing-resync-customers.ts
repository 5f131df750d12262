/**
 * `npm run billing:resync-customers`: after moving to another Stripe account (the stand-ins →
 * real Stripe, or test → live), syncs every linked org's customer with the configured key; orgs
 * whose customer that account does not know are unlinked and fall back to Free. Prints what it
 * did and exits 1 when a sync failed (run it again: it is convergent).
 */
import "dotenv/config";

const { resyncLinkedCustomers } = await import("../src/server/billing/resync-linked-customers");
const result = await resyncLinkedCustomers();
console.log(JSON.stringify(result, null, 2));
console.log(`${result.synced} synced, ${result.lost.length} unlinked (now Free), ${result.failed.length} failed`);
process.exit(result.failed.length ? 1 : 0);
