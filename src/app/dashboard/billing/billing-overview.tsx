"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { toast } from "sonner";
import { formatDate, formatLimit, formatMoney } from "~/components/format";
import { StatusBadge } from "~/components/status-badge";
import { Alert, Button, Card } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

const brandName = (brand: string | null) => (brand ? brand[0]!.toUpperCase() + brand.slice(1) : "Card");

const METRIC_LABELS = { gemini_tokens: "Gemini tokens / month", projects: "Projects", team_members: "Team members" } as const;

export function BillingOverview({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const overview = useQuery(trpc.billing.overview.queryOptions({ orgId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.billing.overview.queryKey({ orgId }) });
  const syncNow = useMutation(
    trpc.billing.syncNow.mutationOptions({
      onSuccess: async () => {
        await refresh();
        toast.success("Billing is up to date with Stripe.");
      },
      onError: (error) => toast.error(`Sync failed: ${error.message}`),
    }),
  );

  if (overview.isPending) return <p className="text-sm text-slate-500">Loading billing…</p>;
  if (overview.isError) return <Alert>Could not load billing: {overview.error.message}</Alert>;
  const o = overview.data;
  const sub = o.subscription;

  return (
    <div className="space-y-6">
      {o.status === "past_due" && (
        <Alert>
          Your last payment failed.{" "}
          {o.plan !== "free"
            ? `Your ${o.planName} limits stay on until ${formatDate(o.graceEndsAt)} while we retry.`
            : "Your paid limits are suspended until the invoice is paid."}{" "}
          <Link className="font-medium underline" href="/dashboard/billing/payment-methods">
            Update your card
          </Link>
        </Alert>
      )}
      {o.status === "unpaid" && <Alert>Your subscription is unpaid: pay the open invoice to restore your plan.</Alert>}

      <Card
        title="Current plan"
        action={
          <Link href="/dashboard/billing/upgrade">
            <Button variant={sub ? "secondary" : "primary"}>{sub ? "Change plan" : "Upgrade"}</Button>
          </Link>
        }
      >
        <div className="flex flex-wrap items-center gap-3">
          <p data-testid="plan-name" className="text-3xl font-semibold tracking-tight">
            {sub ? (o.subscribedPlanName ?? o.planName) : o.planName}
          </p>
          {sub && <StatusBadge status={sub.status} />}
          {sub?.interval && <span className="text-sm text-slate-500">billed {sub.interval === "year" ? "yearly" : "monthly"}</span>}
        </div>
        <dl className="mt-6 grid gap-4 text-sm sm:grid-cols-3">
          {o.trialDaysLeft !== null && (
            <div>
              <dt className="text-slate-500">Trial</dt>
              <dd data-testid="trial-days" className="font-medium">
                {o.trialDaysLeft} {o.trialDaysLeft === 1 ? "day" : "days"} left
              </dd>
              <dd className="text-slate-400">ends {formatDate(sub?.trialEnd)}</dd>
            </div>
          )}
          <div>
            <dt className="text-slate-500">Next invoice</dt>
            <dd data-testid="next-invoice" className="font-medium">
              {o.nextInvoice ? `${formatMoney(o.nextInvoice.amount, o.nextInvoice.currency)} on ${formatDate(o.nextInvoice.date)}` : "None scheduled"}
            </dd>
            {sub?.cancelAtPeriodEnd && <dd className="text-amber-700">Cancels on {formatDate(sub.currentPeriodEnd)}</dd>}
            {sub?.pendingPlan && (
              <dd className="text-slate-500">
                Switches to {sub.pendingPlan} ({sub.pendingInterval}ly) on {formatDate(sub.currentPeriodEnd)}
              </dd>
            )}
          </div>
          <div>
            <dt className="text-slate-500">Payment method</dt>
            <dd className="font-medium">
              {o.defaultCard ? `${brandName(o.defaultCard.brand)} •••• ${o.defaultCard.last4}` : "None on file"}
            </dd>
          </div>
        </dl>
        {!sub && o.trialAvailable && (
          <p className="mt-6 text-sm text-slate-600">Try Pro or Business free for 14 days. Cancel any time before the trial ends.</p>
        )}
      </Card>

      <Card title="Plan limits">
        <ul data-testid="usage-summary" className="divide-y divide-slate-100 text-sm">
          {(Object.keys(METRIC_LABELS) as (keyof typeof METRIC_LABELS)[]).map((metric) => (
            <li key={metric} className="flex justify-between py-2">
              <span className="text-slate-600">{METRIC_LABELS[metric]}</span>
              <span className="font-medium">{formatLimit(o.limits[metric])}</span>
            </li>
          ))}
        </ul>
      </Card>

      <Card title="Manage">
        <div className="flex flex-wrap gap-3">
          <Link href="/dashboard/billing/invoices">
            <Button variant="secondary">Invoices</Button>
          </Link>
          <Link href="/dashboard/billing/payment-methods">
            <Button variant="secondary">Payment methods</Button>
          </Link>
          {canManage && o.hasCustomer && (
            <Button variant="secondary" disabled={syncNow.isPending} onClick={() => syncNow.mutate({ orgId })}>
              {syncNow.isPending ? "Syncing…" : "Sync now"}
            </Button>
          )}
        </div>
        {!canManage && <p className="mt-3 text-sm text-slate-500">Only owners and admins can change billing.</p>}
      </Card>
    </div>
  );
}
