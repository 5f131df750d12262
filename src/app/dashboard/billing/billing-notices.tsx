import { formatDate } from "~/components/format";
import { Alert } from "~/components/ui";

type Notices = {
  drift: { since: Date; subscriptionIds: string[] } | null;
  lostCustomer: { at: Date; reason: string | null } | null;
  trialRefusedReason: string | null;
  trialDaysLeft: number | null;
};

const TRIAL_REFUSALS: Record<string, string> = {
  card_had_trial: "this card was already used for a free trial",
  owner_had_trial: "the organization's owner already had a free trial",
};

/** What the billing page must not hide: double billing, a lost Stripe customer, a refused trial. */
export function BillingNotices({ notices }: { notices: Notices }) {
  const { drift, lostCustomer, trialRefusedReason } = notices;
  return (
    <>
      {drift && (
        <Alert>
          <span data-testid="subscription-drift">
            Stripe holds {drift.subscriptionIds.length} live subscriptions for this organization (since {formatDate(drift.since)}), and each of them
            bills. Cancel the extra ones in the customer portal, or contact support: {drift.subscriptionIds.join(", ")}.
          </span>
        </Alert>
      )}
      {lostCustomer && (
        <Alert tone="info">
          The Stripe customer of this organization {lostCustomer.reason === "deleted" ? "was deleted" : "no longer exists in Stripe"} (
          {formatDate(lostCustomer.at)}), so it is on the Free plan. Choosing a plan sets billing up again.
        </Alert>
      )}
      {trialRefusedReason && notices.trialDaysLeft === null && TRIAL_REFUSALS[trialRefusedReason] && (
        <Alert tone="info">No free trial this time: {TRIAL_REFUSALS[trialRefusedReason]}, so billing started when you subscribed.</Alert>
      )}
    </>
  );
}
