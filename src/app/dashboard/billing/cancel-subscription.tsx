"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useDateFormat } from "~/components/locale";
import { toast } from "~/components/toast";
import { Button, Card } from "~/components/ui";
import { PLANS } from "~/server/billing/plans";
import { useTRPC } from "~/trpc/react";
import { limitLines, planAtInterval } from "./billing-labels";

export interface CancelableSubscription {
  currentPeriodEnd: Date | string | null;
  pendingPlan: string | null;
  pendingInterval: string | null;
}

/**
 * Cancel at the period end, said plainly before it is done: what stays on until when, that
 * nothing more is charged, what Free allows after, and a scheduled switch that will not happen.
 * The one confirmation behind both the billing page's danger zone and the Free plan's card.
 */
export function CancelConfirmation(props: {
  orgId: string;
  planName: string;
  sub: CancelableSubscription;
  onCanceled: () => Promise<unknown> | void;
  onKeep: () => void;
}) {
  const { formatDate } = useDateFormat();
  const { orgId, planName, sub } = props;
  const trpc = useTRPC();
  const ends = formatDate(sub.currentPeriodEnd);
  const cancel = useMutation(
    trpc.billing.cancel.mutationOptions({
      onSuccess: async () => {
        await props.onCanceled();
        toast.success(`Your subscription ends on ${ends}.`, { path: "/dashboard/billing" });
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  return (
    <div role="group" aria-label="Confirm cancellation" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm">
      <p data-testid="cancel-explanation">
        Your {planName} plan stays on until {ends}; nothing more is charged after that. The organization then moves to the Free plan (
        {limitLines(PLANS.free.limits).join(", ")}). You can resume any time before {ends}.
      </p>
      {sub.pendingPlan && (
        <p data-testid="cancel-pending-warning" className="mt-2 font-medium text-red-800">
          Your switch to {planAtInterval(sub.pendingPlan, sub.pendingInterval)} on {ends} will not happen: the subscription ends that day instead. Resume
          before then and the switch is scheduled again.
        </p>
      )}
      <div className="mt-3 flex flex-wrap gap-3">
        <Button variant="danger" disabled={cancel.isPending} onClick={() => cancel.mutate({ orgId })}>
          {cancel.isPending ? "Canceling…" : "Cancel at period end"}
        </Button>
        <Button variant="secondary" disabled={cancel.isPending} onClick={props.onKeep}>
          Keep my plan
        </Button>
      </div>
    </div>
  );
}

/** Canceling, set apart from the everyday actions: its own card, danger styling, a confirmation first. */
export function DangerZone(props: { orgId: string; planName: string; sub: CancelableSubscription; onCanceled: () => Promise<unknown> }) {
  const { formatDate } = useDateFormat();
  const [confirming, setConfirming] = useState(false);
  return (
    <Card title="Danger zone" tone="danger">
      <div data-testid="danger-zone" className="space-y-4">
        <p className="text-sm text-slate-600">
          Canceling stops the renewal. You keep {props.planName} until the end of the period you paid for ({formatDate(props.sub.currentPeriodEnd)}).
        </p>
        {confirming ? (
          <CancelConfirmation {...props} onKeep={() => setConfirming(false)} />
        ) : (
          <Button variant="danger" onClick={() => setConfirming(true)}>
            Cancel subscription
          </Button>
        )}
      </div>
    </Card>
  );
}
