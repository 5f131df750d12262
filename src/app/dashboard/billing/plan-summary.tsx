import { formatMoney } from "~/components/format";
import { useDateFormat } from "~/components/locale";
import { StatusBadge } from "~/components/status-badge";
import { ButtonLink, Card } from "~/components/ui";
import type { RouterOutputs } from "~/trpc/react";
import { pendingChangeLabel, priceLabel } from "./billing-labels";

type Overview = RouterOutputs["billing"]["overview"];

const brandName = (brand: string | null) => (brand ? brand[0]!.toUpperCase() + brand.slice(1) : "Card");

/** The plan the org is on: name, status and price up front, then the trial, the next invoice and the card. */
export function PlanSummary({ o }: { o: Overview }) {
  const { formatDate } = useDateFormat();
  const sub = o.subscription;
  return (
    <Card
      title="Current plan"
      action={
        <ButtonLink href="/dashboard/billing/upgrade" variant={sub ? "secondary" : "primary"}>
          {sub ? "Change plan" : "Upgrade"}
        </ButtonLink>
      }
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <p data-testid="plan-name" className="text-3xl font-semibold tracking-tight">
          {sub ? (o.subscribedPlanName ?? o.planName) : o.planName}
        </p>
        {sub && <StatusBadge status={sub.status} />}
      </div>
      <p data-testid="plan-price" className="mt-1 text-lg text-slate-700">
        {sub ? priceLabel(sub.price.amount, sub.price.currency, sub.interval) : "$0 forever"}
      </p>
      <dl className="mt-6 grid gap-4 text-sm sm:grid-cols-3">
        {o.trialDaysLeft !== null && (
          <div>
            <dt className="text-slate-500">Trial</dt>
            <dd data-testid="trial-days" className="font-medium">
              {o.trialDaysLeft} {o.trialDaysLeft === 1 ? "day" : "days"} left
            </dd>
            <dd data-testid="trial-end" className="text-slate-500">
              Ends {formatDate(sub?.trialEnd)}
            </dd>
          </div>
        )}
        <div>
          <dt className="text-slate-500">Next invoice</dt>
          <dd data-testid="next-invoice" className="font-medium">
            {o.nextInvoice ? `${formatMoney(o.nextInvoice.amount, o.nextInvoice.currency)} on ${formatDate(o.nextInvoice.date)}` : "None scheduled"}
          </dd>
          {sub?.cancelAtPeriodEnd && <dd className="text-amber-700">Cancels on {formatDate(sub.currentPeriodEnd)}</dd>}
          {sub?.pendingPlan && (
            <dd data-testid="pending-change" className="text-slate-500">
              {pendingChangeLabel(sub.pendingPlan, sub.pendingInterval, formatDate(sub.currentPeriodEnd))}
            </dd>
          )}
        </div>
        <div>
          <dt className="text-slate-500">Payment method</dt>
          <dd className="font-medium">{o.defaultCard ? `${brandName(o.defaultCard.brand)} •••• ${o.defaultCard.last4}` : "None on file"}</dd>
        </div>
      </dl>
      {!sub && o.trialAvailable && (
        <p className="mt-6 text-sm text-slate-600">Try Pro or Business free for 14 days. Cancel any time before the trial ends.</p>
      )}
    </Card>
  );
}
