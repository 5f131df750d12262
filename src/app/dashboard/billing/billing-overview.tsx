"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formatMoney } from "~/components/format";
import { useDateFormat } from "~/components/locale";
import { StatusBadge } from "~/components/status-badge";
import { Alert, Button, ButtonLink, Card } from "~/components/ui";
import { toast } from "~/components/toast";
import { PLANS, type PlanId } from "~/server/billing/plans";
import { useTRPC } from "~/trpc/react";
import { BillingNotices } from "./billing-notices";
import { UsageSection } from "./usage-section";

const brandName = (brand: string | null) => (brand ? brand[0]!.toUpperCase() + brand.slice(1) : "Card");

export function BillingOverview({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const { formatDate } = useDateFormat();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const overview = useQuery(trpc.billing.overview.queryOptions({ orgId }));
  // A plan change moves the limits, so the usage section is read again with the overview.
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.billing.overview.queryKey({ orgId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.usage.pathKey() }),
    ]);
  const syncNow = useMutation(
    trpc.billing.syncNow.mutationOptions({
      onSuccess: async (result) => {
        await refresh();
        if (result.status === "customer_lost") toast.error("Stripe no longer has this organization's customer: it is back on Free.");
        else toast.success("Billing is up to date with Stripe.");
      },
      onError: (error) => toast.error(`Sync failed: ${error.message}`),
    }),
  );

  const [confirmCancel, setConfirmCancel] = useState(false);
  const action = (success: string) => ({
    onSuccess: async () => {
      setConfirmCancel(false);
      await refresh();
      toast.success(success);
    },
    onError: (error: { message: string }) => toast.error(error.message),
  });
  const cancel = useMutation(trpc.billing.cancel.mutationOptions(action("Your subscription will end at the end of this period.")));
  const resume = useMutation(trpc.billing.resume.mutationOptions(action("Your subscription will continue.")));
  const keepPlan = useMutation(trpc.billing.cancelPendingChange.mutationOptions(action("The scheduled plan change was dropped.")));
  const portal = useMutation(
    trpc.billing.portal.mutationOptions({ onSuccess: ({ url }) => window.location.assign(url), onError: (error) => toast.error(error.message) }),
  );
  const busy = cancel.isPending || resume.isPending || keepPlan.isPending || portal.isPending;

  if (overview.isPending) return <p className="text-sm text-slate-500">Loading billing…</p>;
  if (overview.isError) return <Alert>Could not load billing: {overview.error.message}</Alert>;
  const o = overview.data;
  const sub = o.subscription;

  return (
    <div className="space-y-6">
      <BillingNotices notices={o} />

      <Card
        title="Current plan"
        action={
          <ButtonLink href="/dashboard/billing/upgrade" variant={sub ? "secondary" : "primary"}>
            {sub ? "Change plan" : "Upgrade"}
          </ButtonLink>
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
              <dd className="text-slate-500">ends {formatDate(sub?.trialEnd)}</dd>
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

      <UsageSection orgId={orgId} />

      <Card title="Manage">
        <div className="flex flex-wrap gap-3">
          <ButtonLink href="/dashboard/billing/invoices" variant="secondary">
            Invoices
          </ButtonLink>
          <ButtonLink href="/dashboard/billing/payment-methods" variant="secondary">
            Payment methods
          </ButtonLink>
          {canManage && o.hasCustomer && (
            <Button variant="secondary" disabled={busy} onClick={() => portal.mutate({ orgId })}>
              {portal.isPending ? "Opening…" : "Customer portal"}
            </Button>
          )}
          {canManage && o.hasCustomer && (
            <Button variant="secondary" disabled={syncNow.isPending} onClick={() => syncNow.mutate({ orgId })}>
              {syncNow.isPending ? "Syncing…" : "Sync now"}
            </Button>
          )}
          {canManage && sub?.pendingPlan && (
            <Button variant="secondary" disabled={busy} onClick={() => keepPlan.mutate({ orgId })}>
              Keep {o.subscribedPlanName}
            </Button>
          )}
          {canManage && sub && (sub.cancelAtPeriodEnd || sub.status === "paused") && (
            <Button disabled={busy} onClick={() => resume.mutate({ orgId })}>
              {resume.isPending ? "Resuming…" : "Resume subscription"}
            </Button>
          )}
          {canManage && sub && !sub.cancelAtPeriodEnd && sub.status !== "paused" && !confirmCancel && (
            <Button variant="danger" disabled={busy} onClick={() => setConfirmCancel(true)}>
              Cancel subscription
            </Button>
          )}
        </div>
        {confirmCancel && sub && (
          <div role="group" aria-label="Confirm cancellation" className="mt-4 rounded-lg border border-red-200 bg-red-50 p-4 text-sm">
            <p>
              Your {o.subscribedPlanName} plan stays on until {formatDate(sub.currentPeriodEnd)}; nothing more is charged after that. You can resume any
              time before then.
            </p>
            {sub.pendingPlan && (
              <p data-testid="cancel-pending-warning" className="mt-2 font-medium text-red-800">
                Your switch to {PLANS[sub.pendingPlan as PlanId]?.name ?? sub.pendingPlan} ({sub.pendingInterval}ly) on {formatDate(sub.currentPeriodEnd)}{" "}
                will not happen: the subscription ends that day instead. Resume before then and the switch is scheduled again.
              </p>
            )}
            <div className="mt-3 flex gap-3">
              <Button variant="danger" disabled={busy} onClick={() => cancel.mutate({ orgId })}>
                {cancel.isPending ? "Canceling…" : "Cancel at period end"}
              </Button>
              <Button variant="secondary" onClick={() => setConfirmCancel(false)}>
                Keep my plan
              </Button>
            </div>
          </div>
        )}
        {!canManage && <p className="mt-3 text-sm text-slate-500">Only owners and admins can change billing.</p>}
      </Card>
    </div>
  );
}
