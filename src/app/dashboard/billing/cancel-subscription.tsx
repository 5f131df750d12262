"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useDateFormat } from "~/components/locale";
import { toast } from "~/components/toast";
import { formatMoney } from "~/components/format";
import { Button, Card } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { cancelWording, planAtInterval } from "./billing-labels";

export interface CancelableSubscription {
  status: string;
  currentPeriodEnd: Date | string | null;
  pendingPlan: string | null;
  pendingInterval: string | null;
}

/** What a past_due subscription owes, from the billing overview's `pastDue`. */
export interface OwedInvoice {
  amountDue: number;
  currency: string;
  graceEndsAt: Date | string | null;
}

interface CancelProps {
  orgId: string;
  planName: string;
  sub: CancelableSubscription;
  owed: OwedInvoice | null;
  onCanceled: () => Promise<unknown> | void;
}

/** The status's wording (billing-labels.ts cancelWording) with the dates and amounts in the reader's locale. */
function useCancelWording({ planName, sub, owed }: Pick<CancelProps, "planName" | "sub" | "owed">) {
  const { formatDate } = useDateFormat();
  const ends = formatDate(sub.currentPeriodEnd);
  const owedText = owed ? { amount: formatMoney(owed.amountDue, owed.currency), graceEnds: owed.graceEndsAt ? formatDate(owed.graceEndsAt) : null } : null;
  return { ends, ...cancelWording({ status: sub.status, planName, ends, owed: owedText }) };
}

/**
 * Cancel at the period end, said plainly before it is done, in the subscription's status: what
 * stays on until when, what is (or is not) still charged, what Free allows after, and a scheduled
 * switch that will not happen. The one confirmation behind both the billing page's danger zone and
 * the Free plan's card.
 */
export function CancelConfirmation(props: CancelProps & { onKeep: () => void }) {
  const { orgId, sub } = props;
  const trpc = useTRPC();
  const { ends, confirmation } = useCancelWording(props);
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
      <p data-testid="cancel-explanation">{confirmation}</p>
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
export function DangerZone(props: CancelProps) {
  const { summary } = useCancelWording(props);
  const [confirming, setConfirming] = useState(false);
  return (
    <Card title="Danger zone" tone="danger">
      <div data-testid="danger-zone" className="space-y-4">
        <p data-testid="cancel-summary" className="text-sm text-slate-600">
          {summary}
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
