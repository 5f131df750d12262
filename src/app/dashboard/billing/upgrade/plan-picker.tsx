"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { toast } from "sonner";
import { formatLimit, formatPrice } from "~/components/format";
import { Alert, Button } from "~/components/ui";
import { useTRPC } from "~/trpc/react";

type Interval = "month" | "year";

export function PlanPicker({ orgId, canManage }: { orgId: string; canManage: boolean }) {
  const trpc = useTRPC();
  const plans = useQuery(trpc.billing.plans.queryOptions());
  const overview = useQuery(trpc.billing.overview.queryOptions({ orgId }));
  const [interval, setInterval] = useState<Interval>(overview.data?.subscription?.interval === "year" ? "year" : "month");
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

      <div className="grid gap-4 md:grid-cols-3">
        {plans.data.map((plan) => {
          const isCurrent = plan.id === current.plan && (plan.id === "free" || current.interval === interval);
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
      {!canManage && <p className="text-sm text-slate-500">Only owners and admins can change the plan.</p>}
    </div>
  );
}
