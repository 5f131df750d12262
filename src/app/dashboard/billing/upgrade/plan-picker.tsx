"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formatLimit, formatMoney, formatPrice } from "~/components/format";
import { useDateFormat } from "~/components/locale";
import { Alert, Button } from "~/components/ui";
import { toast } from "~/components/toast";
import { isUpgrade, type PlanId } from "~/server/billing/plans";
import { useTRPC } from "~/trpc/react";

type Interval = "month" | "year";
type PaidPlan = "pro" | "business";
type Target = { plan: PaidPlan; interval: Interval };

export function PlanPicker({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const { formatDate } = useDateFormat();
  const trpc = useTRPC();
  const plans = useQuery(trpc.billing.plans.queryOptions());
  const overview = useQuery(trpc.billing.overview.queryOptions({ orgId }));
  // Until the user picks, the toggle shows the interval the org pays by.
  const [picked, setInterval] = useState<Interval | null>(null);
  const interval: Interval = picked ?? (overview.data?.subscription?.interval === "year" ? "year" : "month");
  const [target, setTarget] = useState<Target | null>(null);
  const checkout = useMutation(
    trpc.billing.createCheckoutSession.mutationOptions({
      onSuccess: ({ url }) => window.location.assign(url),
      onError: (error) => toast.error(error.message),
    }),
  );

  if (plans.isPending || overview.isPending) return <p className="text-sm text-slate-500">Loading plans…</p>;
  if (plans.isError || overview.isError) return <Alert>Could not load plans: {(plans.error ?? overview.error)?.message}</Alert>;
  const o = overview.data;
  const current = o.subscription ? { plan: o.subscription.plan, interval: o.subscription.interval } : { plan: "free", interval: null };
  const bestSaving = Math.max(...plans.data.map((p) => p.yearlySaving));

  return (
    <div className="space-y-6">
      <div role="radiogroup" aria-label="Billing interval" className="inline-flex rounded-lg border border-slate-200 bg-white p-1 text-sm">
        {(["month", "year"] as const).map((value) => (
          <button
            key={value}
            type="button"
            role="radio"
            aria-checked={interval === value}
            onClick={() => setInterval(value)}
            className={`rounded-md px-4 py-1.5 font-medium transition ${interval === value ? "bg-brand-600 text-white" : "text-slate-600 hover:bg-slate-50"}`}
          >
            {value === "month" ? "Monthly" : "Yearly"}
            {value === "year" && bestSaving > 0 && <span className="ml-2 text-xs opacity-80">save up to {formatPrice(bestSaving, "usd")}</span>}
          </button>
        ))}
      </div>

      {!o.subscription && !o.trialAvailable && o.trialUnavailableReason && (
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
        {plans.data.map((plan) => {
          const isCurrent = plan.id === current.plan && (plan.id === "free" || current.interval === interval);
          // A change already scheduled for the period end is shown as such, not offered again.
          const isScheduled = plan.id === o.subscription?.pendingPlan && interval === o.subscription.pendingInterval;
          const price = plan.prices?.[interval] ?? 0;
          return (
            <section
              key={plan.id}
              aria-label={plan.name}
              data-current={isCurrent || undefined}
              className={`flex flex-col rounded-xl border bg-white p-6 shadow-sm ${isCurrent ? "border-brand-500 ring-2 ring-brand-100" : "border-slate-200"}`}
            >
              <div className="flex items-center justify-between">
                <h2 className="text-lg font-semibold">{plan.name}</h2>
                {isCurrent && <span className="rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700">Current plan</span>}
              </div>
              <p className="mt-1 text-sm text-slate-500">{plan.description}</p>
              <p className="mt-4">
                <span className="text-3xl font-semibold">{formatPrice(price, plan.currency)}</span>
                <span className="text-sm text-slate-500">{plan.prices ? ` / ${interval}` : " forever"}</span>
              </p>
              {interval === "year" && plan.yearlySaving > 0 && (
                <p className="text-sm font-medium text-emerald-700">Save {formatPrice(plan.yearlySaving, plan.currency)} a year</p>
              )}
              <ul className="mt-4 flex-1 space-y-1 text-sm text-slate-600">
                <li>{formatLimit(plan.limits.gemini_tokens)} Gemini tokens / month</li>
                <li>{formatLimit(plan.limits.projects)} projects</li>
                <li>
                  {formatLimit(plan.limits.team_members)} team {plan.limits.team_members === 1 ? "member" : "members"}
                </li>
              </ul>
              {isScheduled && (
                <p data-testid="scheduled-change" className="mt-6 rounded-lg bg-slate-50 px-3 py-2 text-center text-sm font-medium text-slate-700">
                  Starts on {formatDate(o.subscription?.currentPeriodEnd)}
                </p>
              )}
              {plan.id !== "free" && o.subscription && !isCurrent && !isScheduled && (
                <Button
                  className="mt-6"
                  variant={isUpgrade(current.plan as PlanId, plan.id) ? "primary" : "secondary"}
                  disabled={!canManage}
                  onClick={() => setTarget({ plan: plan.id as PaidPlan, interval })}
                >
                  {isUpgrade(current.plan as PlanId, plan.id) ? "Upgrade" : "Switch"} to {plan.name}
                  {plan.id === current.plan ? (interval === "year" ? " yearly" : " monthly") : ""}
                </Button>
              )}
              {plan.id !== "free" && !o.subscription && (
                <Button
                  className="mt-6"
                  disabled={!canManage || checkout.isPending}
                  onClick={() => checkout.mutate({ orgId, plan: plan.id as "pro" | "business", interval })}
                >
                  {checkout.isPending && checkout.variables?.plan === plan.id
                    ? "Redirecting…"
                    : o.trialAvailable
                      ? "Start 14-Day Trial"
                      : `Subscribe to ${plan.name}`}
                </Button>
              )}
            </section>
          );
        })}
      </div>
      {target && <ChangePreview orgId={orgId} target={target} planName={plans.data.find((p) => p.id === target.plan)!.name} onClose={() => setTarget(null)} />}
      {!canManage && <p className="text-sm text-slate-500">Only owners and admins can change the plan.</p>}
    </div>
  );
}

/** The cost of a change before it is made: due now (prorated) and the next invoice. */
function ChangePreview({ orgId, target, planName, onClose }: { orgId: string; target: Target; planName: string; onClose: () => void }) {
  const { formatDate } = useDateFormat();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const preview = useQuery(trpc.billing.previewChange.queryOptions({ orgId, ...target }, { staleTime: 0 }));
  const change = useMutation(
    trpc.billing.changePlan.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.billing.overview.queryKey({ orgId }) });
        if (result.invoice && result.invoice.status === "open") {
          toast.error("The plan changed, but the card was declined: pay the open invoice to keep it.");
        } else {
          toast.success(result.timing === "now" ? `You are now on ${planName}.` : `${planName} starts on ${formatDate(result.effectiveAt)}.`);
        }
        router.push("/dashboard/billing");
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  return (
    <section aria-label="Plan change" className="rounded-xl border border-brand-200 bg-brand-50/40 p-6">
      <h2 className="text-base font-semibold">
        Change to {planName}, billed {target.interval === "year" ? "yearly" : "monthly"}
      </h2>
      {preview.isPending && <p className="mt-2 text-sm text-slate-500">Calculating…</p>}
      {preview.isError && <Alert>Could not price this change: {preview.error.message}</Alert>}
      {preview.data && (
        <div className="mt-3 space-y-2 text-sm">
          {preview.data.timing === "now" ? (
            <>
              <ul className="space-y-1 text-slate-600">
                {preview.data.dueNow.lines.map((line, i) => (
                  <li key={i} className="flex justify-between gap-4">
                    <span>{line.description}</span>
                    <span>{formatMoney(line.amount, preview.data.dueNow.currency)}</span>
                  </li>
                ))}
              </ul>
              <p data-testid="due-now" className="flex justify-between border-t border-slate-200 pt-2 font-semibold">
                <span>Due now</span>
                <span>{formatMoney(preview.data.dueNow.amount, preview.data.dueNow.currency)}</span>
              </p>
            </>
          ) : (
            <p data-testid="due-now">Nothing is charged now: you keep your current plan until {formatDate(preview.data.nextInvoice.date)}.</p>
          )}
          <p className="text-slate-600">
            Then {formatMoney(preview.data.nextInvoice.amount, preview.data.nextInvoice.currency)} on {formatDate(preview.data.nextInvoice.date)}.
          </p>
        </div>
      )}
      <div className="mt-4 flex gap-3">
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
