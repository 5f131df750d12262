"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useDateFormat } from "~/components/locale";
import { toast } from "~/components/toast";
import { Alert, Button, ButtonLink, Card } from "~/components/ui";
import { isCancelable } from "~/server/billing/subscription-status";
import { useTRPC, type RouterOutputs } from "~/trpc/react";
import { BillingNotices } from "./billing-notices";
import { DangerZone } from "./cancel-subscription";
import { useConfirmingCheckout } from "./checkout-return";
import { PlanSummary } from "./plan-summary";
import { UsageSection } from "./usage-section";

type Overview = RouterOutputs["billing"]["overview"];

/** A plan change moves the limits, so the usage section is read again with the overview. */
function useRefreshBilling(orgId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.billing.overview.queryKey({ orgId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.usage.pathKey() }),
    ]);
}

/** `checkoutReturn`: opened back from a Checkout, whose confirmation (CheckoutReturn) is under way. */
export function BillingOverview({ orgId, canManage, checkoutReturn = false }: { orgId: string; canManage: boolean; checkoutReturn?: boolean }) {
  const trpc = useTRPC();
  const overview = useQuery(trpc.billing.overview.queryOptions({ orgId }));
  const refresh = useRefreshBilling(orgId);
  const confirming = useConfirmingCheckout(checkoutReturn);

  if (overview.isPending) return <p className="text-sm text-slate-500">Loading billing…</p>;
  if (overview.isError) return <Alert>Could not load billing: {overview.error.message}</Alert>;
  const o = overview.data;
  const sub = o.subscription;
  // Offered only where the server accepts it (CANCELABLE_STATUSES): a paused or incomplete subscription is not.
  const cancelable = canManage && sub && !sub.cancelAtPeriodEnd && isCancelable(sub.status);

  return (
    <div className="space-y-6">
      <BillingNotices notices={o} />
      {confirming ? <PlanPending /> : <PlanSummary o={o} />}
      <UsageSection orgId={orgId} planName={o.planName} />
      <ManageCard orgId={orgId} canManage={canManage} o={o} />
      {cancelable && <DangerZone orgId={orgId} planName={o.subscribedPlanName ?? o.planName} sub={sub} owed={o.pastDue} onCanceled={refresh} />}
    </div>
  );
}

/** The plan card while a payment is confirmed: the rows still say Free, so no plan is claimed until Stripe has answered. */
function PlanPending() {
  return (
    <Card title="Current plan">
      <div data-testid="plan-pending" aria-busy="true" className="animate-pulse space-y-3">
        <span className="sr-only">Your new plan appears here once the payment is confirmed.</span>
        <div aria-hidden="true" className="h-9 w-40 rounded bg-slate-200" />
        <div aria-hidden="true" className="h-5 w-28 rounded bg-slate-100" />
        <div aria-hidden="true" className="h-12 w-full rounded bg-slate-100" />
      </div>
    </Card>
  );
}

/** The customer's everyday actions; the sync with Stripe is a small control in the footer, not one of them. */
function ManageCard({ orgId, canManage, o }: { orgId: string; canManage: boolean; o: Overview }) {
  const trpc = useTRPC();
  const refresh = useRefreshBilling(orgId);
  const sub = o.subscription;
  const action = (success: string) => ({
    onSuccess: async () => {
      await refresh();
      toast.success(success);
    },
    onError: (error: { message: string }) => toast.error(error.message),
  });
  const resume = useMutation(trpc.billing.resume.mutationOptions(action("Your subscription will continue.")));
  const keepPlan = useMutation(trpc.billing.cancelPendingChange.mutationOptions(action("The scheduled plan change was dropped.")));
  const portal = useMutation(
    trpc.billing.portal.mutationOptions({ onSuccess: ({ url }) => window.location.assign(url), onError: (error) => toast.error(error.message) }),
  );
  const busy = resume.isPending || keepPlan.isPending || portal.isPending;

  return (
    <Card title="Manage">
      <div data-testid="billing-actions" className="flex flex-wrap gap-3">
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
      </div>
      {!canManage && <p className="mt-3 text-sm text-slate-500">Only owners and admins can change billing.</p>}
      {canManage && o.hasCustomer && <SyncStatus orgId={orgId} lastSyncedAt={sub?.lastSyncedAt ?? null} />}
    </Card>
  );
}

/**
 * When the page's billing data last came from Stripe, and a way to fetch it again. Webhooks and the
 * daily job keep it current; this is for support, or for the impatient, so it stays small.
 */
function SyncStatus({ orgId, lastSyncedAt }: { orgId: string; lastSyncedAt: Date | null }) {
  const { formatDateTime } = useDateFormat();
  const trpc = useTRPC();
  const refresh = useRefreshBilling(orgId);
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
  return (
    <p data-testid="sync-status" className="mt-6 border-t border-slate-100 pt-3 text-xs text-slate-500">
      {lastSyncedAt ? `Last synced with Stripe ${formatDateTime(lastSyncedAt)}` : "Billing data comes from Stripe"} ·{" "}
      <button
        type="button"
        className="rounded font-medium text-brand-700 underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 disabled:opacity-60"
        disabled={syncNow.isPending}
        onClick={() => syncNow.mutate({ orgId })}
      >
        {syncNow.isPending ? "Syncing…" : "Sync now"}
      </button>
    </p>
  );
}
