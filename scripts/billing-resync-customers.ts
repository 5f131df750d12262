/**
 * `npm run billing:resync-customers`: after moving to another Stripe account (the stand-ins →
 * real Stripe, or test → live). By default a dry run: looks up every linked org's customer with
 * the configured key and lists the orgs that would be unlinked, changing nothing.
 * `-- --yes` applies: syncs each org; those whose customer the account does not know are unlinked
 * and fall back to Free, and an org that had a live paid subscription gets the "back on Free"
 * email queued. Refused when not one linked customer exists at the account (a wrong key looks
 * exactly like that) unless `--all`. Exits 1 when refused or a sync failed (run it again: it is convergent).
 */
import "dotenv/config";

const { resyncLinkedCustomers } = await import("../src/server/billing/resync-linked-customers");
const result = await resyncLinkedCustomers({ apply: process.argv.includes("--yes"), all: process.argv.includes("--all") });
const { survey } = result;

console.log(`${survey.linked} linked org(s) looked up; ${survey.missing.length} customer(s) unknown to this account, ${survey.failed.length} lookup(s) failed`);
for (const m of survey.missing) console.log(`  ${result.status === "applied" ? "" : "would unlink "}${m.organizationId}  ${m.customerId} (${m.reason})`);
for (const f of survey.failed) console.log(`  lookup failed: ${f.organizationId}: ${f.error}`);

let exitCode = 0;
if (result.status === "dry_run") {
  console.log("Dry run: nothing changed. Run again with -- --yes to unlink them (they fall back to Free; those on a paid plan get the \"back on Free\" email).");
} else if (result.status === "refused") {
  console.log("Refused: not one linked customer exists in the account of STRIPE_SECRET_KEY, which a wrong key looks exactly like. If every org really moved, run again with -- --yes --all.");
  exitCode = 1;
} else {
  console.log(JSON.stringify({ lost: result.lost, unknown: result.unknown, failed: result.failed }, null, 2));
  console.log(`${result.synced} synced, ${result.lost.length} unlinked (now Free), ${result.unknown.length} no longer linked (left alone), ${result.failed.length} failed`);
  if (result.failed.length) exitCode = 1;
}
process.exit(exitCode);
