"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { toast } from "~/components/toast";
import { Alert } from "~/components/ui";
import { useTRPC, type RouterOutputs } from "~/trpc/react";
import { planCardAction, yearlyToggleNote } from "../billing-labels";
import { CancelConfirmation, type CancelableSubscription, type OwedInvoice } from "../cancel-subscription";
import { ChangePreview, type Target } from "./change-preview";
import { PlanCard } from "./plan-card";
import { useReveal } from "./use-reveal";

type Interval = "month" | "year";
type Plans = RouterOutputs["billing"]["plans"];
/** The panel below the cards: the price of a change, or what downgrading to Free means. */
type Panel = { kind: "change"; target: Target } | { kind: "free" } | null;

export function PlanPicker({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const plans = useQuery(trpc.billing.plans.queryOptions());
  const overview = useQuery(trpc.billing.overview.queryOptions({ orgId }));
  // Until the user picks, the toggle shows the interval the org pays by.
  const [picked, setInterval] = useState<Interval | null>(null);
  const interval: Interval = picked ?? (overview.data?.subscription?.interval === "year" ? "year" : "month");
  const [panel, setPanel] = useState<Panel>(null);
  const checkout = useMutation(
    trpc.billing.createCheckoutSession.mutationOptions({
      onSuccess: ({ url }) => window.location.assign(url),
      onError: (error) => toast.error(error.message),
    }),
  );

  if (plans.isPending || overview.isPending) return <p className="text-sm text-slate-500">Loading plans…</p>;
  if (plans.isError || overview.isError) return <Alert>Could not load plans: {(plans.error ?? overview.error)?.message}</Alert>;
  const o = overview.data;
  const sub = o.subscription;
  const currentPlan = sub?.plan ?? "free";

  const onAction = (plan: Plans[number]) => {
    if (plan.id === "free") return setPanel({ kind: "free" });
    if (!sub) return checkout.mutate({ orgId, plan: plan.id, interval });
    setPanel({ kind: "change", target: { plan: plan.id, interval } });
  };

  return (
    <div className="space-y-6">
      <IntervalToggle interval={interval} onChange={setInterval} note={yearlyToggleNote(plans.data)} />
      {!sub && !o.trialAvailable && o.trialUnavailableReason && (
        <Alert tone="info">
          <span data-testid="trial-unavailable">
            {o.trialUnavailableReason === "owner_had_trial"
              ? "No free trial: the owner of this organization already had one with another organization."
              : "No free trial: this organization already had one."}{" "}
            Subscribing starts billing today.
          </span>
        </Alert>
      )}
      <div className="grid gap-4 md:grid-cols-3">
        {plans.data.map((plan) => (
          <PlanCard
            key={plan.id}
            plan={plan}
            interval={interval}
            action={planCardAction(plan, interval, sub, o.trialAvailable)}
            isCurrentPlan={plan.id === currentPlan}
            paidInterval={sub?.interval ?? null}
            disabled={!canManage || checkout.isPending}
            pendingLabel={checkout.isPending && checkout.variables?.plan === plan.id ? "Redirecting…" : null}
            onAction={() => onAction(plan)}
          />
        ))}
      </div>
      {panel?.kind === "change" && (
        <ChangePreview
          key={`${panel.target.plan}-${panel.target.interval}`}
          orgId={orgId}
          target={panel.target}
          planName={plans.data.find((p) => p.id === panel.target.plan)!.name}
          onClose={() => setPanel(null)}
        />
      )}
      {panel?.kind === "free" && sub && (
        <DowngradeToFree orgId={orgId} planName={o.subscribedPlanName ?? o.planName} sub={sub} owed={o.pastDue} onClose={() => setPanel(null)} />
      )}
      {!canManage && <p className="text-sm text-slate-500">Only owners and admins can change the plan.</p>}
    </div>
  );
}

const INTERVALS = ["month", "year"] as const;
const ARROW_STEP: Record<string, number> = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

/**
 * Monthly / Yearly. The Yearly label claims only a saving every plan shares; each card states its own.
 * A radio group as ARIA describes it: one tab stop (the checked radio, roving tabindex), and the
 * arrow keys move the selection and the focus together, wrapping around.
 */
function IntervalToggle({ interval, onChange, note }: { interval: Interval; onChange: (value: Interval) => void; note: string | null }) {
  const radios = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (event: React.KeyboardEvent) => {
    const step = ARROW_STEP[event.key];
    if (!step) return;
    event.preventDefault();
    const next = (INTERVALS.indexOf(interval) + step + INTERVALS.length) % INTERVALS.length;
    onChange(INTERVALS[next]!);
    radios.current[next]?.focus();
  };
  return (
    <div role="radiogroup" aria-label="Billing interval" onKeyDown={onKeyDown} className="inline-flex rounded-lg border border-slate-200 bg-white p-1 text-sm">
      {INTERVALS.map((value, i) => (
        <button
          key={value}
          ref={(el) => {
            radios.current[i] = el;
          }}
          type="button"
          role="radio"
          aria-checked={interval === value}
          tabIndex={interval === value ? 0 : -1}
          onClick={() => onChange(value)}
          className={`rounded-md px-4 py-1.5 font-medium transition ${interval === value ? "bg-brand-600 text-white" : "text-slate-600 hover:bg-slate-50"}`}
        >
          {value === "month" ? "Monthly" : "Yearly"}
          {value === "year" && note && <span className="ml-2 text-xs opacity-80">{note}</span>}
        </button>
      ))}
    </div>
  );
}

/** Free is not a plan to switch to: it is what the org is on once its subscription ends, so the card cancels at the period end. */
function DowngradeToFree(props: { orgId: string; planName: string; sub: CancelableSubscription; owed: OwedInvoice | null; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { panel, heading } = useReveal<HTMLElement, HTMLHeadingElement>();
  const onCanceled = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.billing.overview.queryKey({ orgId: props.orgId }) });
    router.push("/dashboard/billing");
  };
  return (
    <section ref={panel} aria-label="Downgrade to Free" className="scroll-mt-4 rounded-xl border border-red-200 bg-white p-6">
      <h2 ref={heading} tabIndex={-1} className="mb-3 rounded text-base font-semibold focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500">
        Downgrade to Free
      </h2>
      <p className="mb-3 text-sm text-slate-600">Moving to Free cancels your subscription at the end of its current period.</p>
      <CancelConfirmation orgId={props.orgId} planName={props.planName} sub={props.sub} owed={props.owed} onCanceled={onCanceled} onKeep={props.onClose} />
    </section>
  );
}
