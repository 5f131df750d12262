import Link from "next/link";
import { formatMoney } from "~/components/format";
import { useDateFormat } from "~/components/locale";
import { Alert } from "~/components/ui";
import type { Metric } from "~/server/billing/plans";

type Notices = {
  drift: { since: Date; subscriptionIds: string[] } | null;
  lostCustomer: { at: Date; reason: string | null } | null;
  trialRefusedReason: string | null;
  trialDaysLeft: number | null;
  status: string;
  plan: string;
  planName: string;
  graceEndsAt: Date | null;
  pastDue: { amountDue: number; currency: string; payUrl: string | null; graceEndsAt: Date | null } | null;
  overLimits: { metric: Metric; current: number; limit: number }[];
};

const TRIAL_REFUSALS: Record<string, string> = {
  card_had_trial: "this card was already used for a free trial",
  owner_had_trial: "the organization's owner already had a free trial",
};

const LIMIT_LABELS: Record<Metric, (limit: number) => string> = {
  gemini_tokens: (n) => `its monthly Gemini token quota (${n.toLocaleString("en-US")})`,
  projects: (n) => `its ${n} project${n === 1 ? "" : "s"}`,
  team_members: (n) => `its ${n} seat${n === 1 ? "" : "s"}`,
};

/** What the billing page must not hide: a failed payment, limits reached, double billing, a lost Stripe customer, a refused trial. */
export function BillingNotices({ notices }: { notices: Notices }) {
  const { formatDate } = useDateFormat();
  const { drift, lostCustomer, trialRefusedReason } = notices;
  return (
    <>
      <PastDueNotice notices={notices} />
      {notices.status === "unpaid" && <Alert>Your subscription is unpaid: pay the open invoice to restore your plan.</Alert>}
      <LimitNotice overLimits={notices.overLimits} />
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

/** While past_due: how much is owed, the hosted invoice to pay it, and when the paid limits stop. */
function PastDueNotice({ notices }: { notices: Notices }) {
  const { formatDate } = useDateFormat();
  if (notices.status !== "past_due") return null;
  const { pastDue } = notices;
  const graceEndsAt = pastDue?.graceEndsAt ?? notices.graceEndsAt;
  return (
    <div data-testid="past-due-banner">
      <Alert>
        Your last payment failed
        {pastDue ? (
          <>
            : <span data-testid="past-due-amount">{formatMoney(pastDue.amountDue, pastDue.currency)}</span> is due
          </>
        ) : null}
        .{" "}
        {notices.plan !== "free" ? (
          <>
            Your {notices.planName} limits stay on until <span data-testid="grace-ends-at">{formatDate(graceEndsAt)}</span> while we retry.
          </>
        ) : (
          "Your paid limits are suspended until the invoice is paid."
        )}{" "}
        {pastDue?.payUrl ? (
          <>
            <a className="font-medium underline" href={pastDue.payUrl} data-testid="pay-now">
              Pay now
            </a>{" "}
            or{" "}
          </>
        ) : null}
        <Link className="font-medium underline" href="/dashboard/billing/payment-methods">
          {pastDue?.payUrl ? "update your card" : "Update your card"}
        </Link>
      </Alert>
    </div>
  );
}

/** Counted limits reached: the next project or member is refused until the org upgrades. */
function LimitNotice({ overLimits }: { overLimits: Notices["overLimits"] }) {
  if (!overLimits.length) return null;
  const over = overLimits.some((l) => l.current > l.limit);
  return (
    <div data-testid="limit-banner" data-level={over ? "over" : "at"}>
      <Alert tone={over ? "warning" : "info"}>
        {overLimits.map((l, i) => (
          <span key={l.metric} data-testid={`limit-${l.metric}`}>
            {i > 0 ? " " : ""}This organization {l.current > l.limit ? `is over ${LIMIT_LABELS[l.metric](l.limit)} (${l.current} in use)` : `uses all of ${LIMIT_LABELS[l.metric](l.limit)}`}.
          </span>
        ))}{" "}
        <Link className="font-medium underline" href="/dashboard/billing/upgrade">
          Upgrade for more
        </Link>
      </Alert>
    </div>
  );
}
