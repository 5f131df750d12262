"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { formatMoney } from "~/components/format";
import { useDateFormat } from "~/components/locale";
import { toast } from "~/components/toast";
import { Alert, Button } from "~/components/ui";
import { useTRPC, type RouterOutputs } from "~/trpc/react";
import { intervalAdverb, trialContinuesLabel } from "../billing-labels";
import { useReveal } from "./use-reveal";

export type Target = { plan: "pro" | "business"; interval: "month" | "year" };
type Preview = RouterOutputs["billing"]["previewChange"];

/**
 * The cost of a change before it is made: due now (prorated) and the next invoice; during a trial,
 * that the trial goes on and when the first charge comes. Opened below the plan cards, it scrolls
 * itself into view and takes the focus.
 */
export function ChangePreview({ orgId, target, planName, onClose }: { orgId: string; target: Target; planName: string; onClose: () => void }) {
  const { formatDate } = useDateFormat();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { panel, heading } = useReveal<HTMLElement, HTMLHeadingElement>();
  const preview = useQuery(trpc.billing.previewChange.queryOptions({ orgId, ...target }, { staleTime: 0 }));
  const change = useMutation(
    trpc.billing.changePlan.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.billing.overview.queryKey({ orgId }) });
        // Shown for Billing, where the user lands next: a toast of this page would go on arrival.
        const onBilling = { path: "/dashboard/billing" };
        if (result.invoice && result.invoice.status === "open") {
          toast.error("The plan changed, but the card was declined: pay the open invoice to keep it.", onBilling);
        } else {
          toast.success(result.timing === "now" ? `You are now on ${planName}.` : `${planName} starts on ${formatDate(result.effectiveAt)}.`, onBilling);
        }
        router.push(onBilling.path);
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  return (
    <section ref={panel} aria-label="Plan change" className="scroll-mt-4 rounded-xl border border-brand-200 bg-brand-50/40 p-6">
      <h2 ref={heading} tabIndex={-1} className="rounded text-base font-semibold focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500">
        Change to {planName}, billed {intervalAdverb(target.interval)}
      </h2>
      {preview.isPending && <p className="mt-2 text-sm text-slate-500">Calculating…</p>}
      {preview.isError && <Alert>Could not price this change: {preview.error.message}</Alert>}
      {preview.data && <PreviewCost preview={preview.data} />}
      <div className="mt-4 flex flex-wrap gap-3">
        <Button
          disabled={!preview.data || change.isPending}
          onClick={() =>
            change.mutate({ orgId, ...target, ...(preview.data && "prorationDate" in preview.data ? { prorationDate: preview.data.prorationDate } : {}) })
          }
        >
          {change.isPending ? "Changing…" : "Confirm change"}
        </Button>
        <Button variant="secondary" onClick={onClose}>
          Not now
        </Button>
      </div>
    </section>
  );
}

function PreviewCost({ preview }: { preview: Preview }) {
  const { formatDate } = useDateFormat();
  const next = preview.nextInvoice;
  const then = (
    <p className="text-slate-600">
      Then {formatMoney(next.amount, next.currency)} on {formatDate(next.date)}.
    </p>
  );
  if (preview.trialEnd) {
    // Nothing is billed during a trial: a list of lines would be empty, so the trial's terms are said instead.
    return (
      <p data-testid="due-now" className="mt-3 text-sm">
        Nothing is charged now. {trialContinuesLabel(formatDate(preview.trialEnd), { ...next, date: formatDate(next.date) })}
        {preview.timing === "period_end" && " You keep your current plan until then."}
      </p>
    );
  }
  if (preview.timing !== "now") {
    return (
      <div className="mt-3 space-y-2 text-sm">
        <p data-testid="due-now">Nothing is charged now: you keep your current plan until {formatDate(next.date)}.</p>
        {then}
      </div>
    );
  }
  return (
    <div className="mt-3 space-y-2 text-sm">
      <ul className="space-y-1 text-slate-600">
        {preview.dueNow.lines.map((line, i) => (
          <li key={i} className="flex justify-between gap-4">
            <span>{line.description}</span>
            <span>{formatMoney(line.amount, preview.dueNow.currency)}</span>
          </li>
        ))}
      </ul>
      <p data-testid="due-now" className="flex justify-between border-t border-slate-200 pt-2 font-semibold">
        <span>Due now</span>
        <span>{formatMoney(preview.dueNow.amount, preview.dueNow.currency)}</span>
      </p>
      {then}
    </div>
  );
}
