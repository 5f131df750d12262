import { formatPrice } from "~/components/format";
import { useDateFormat } from "~/components/locale";
import { useId } from "react";
import { Button } from "~/components/ui";
import type { RouterOutputs } from "~/trpc/react";
import { intervalAdverb, limitLines, type PlanCardAction } from "../billing-labels";

type Plan = RouterOutputs["billing"]["plans"][number];

/**
 * One plan at the interval shown: its price, its own yearly saving, its limits and what it offers
 * (`action`). `isCurrentPlan` marks the org's plan at either interval; `paidInterval` says which
 * one it pays when the toggle shows the other.
 */
export function PlanCard(props: {
  plan: Plan;
  interval: "month" | "year";
  action: PlanCardAction;
  isCurrentPlan: boolean;
  paidInterval: string | null;
  disabled: boolean;
  pendingLabel: string | null;
  onAction: () => void;
}) {
  const { plan, interval, action, isCurrentPlan } = props;
  const price = plan.prices?.[interval] ?? 0;
  return (
    <section
      aria-label={plan.name}
      data-current={isCurrentPlan || undefined}
      className={`flex flex-col rounded-xl border bg-white p-6 shadow-sm ${isCurrentPlan ? "border-brand-500 ring-2 ring-brand-100" : "border-slate-200"}`}
    >
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-lg font-semibold">{plan.name}</h2>
        {isCurrentPlan && (
          <span data-testid="current-plan" className="rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700">
            Current plan{props.paidInterval && action.kind !== "current" ? `, billed ${intervalAdverb(props.paidInterval)}` : ""}
          </span>
        )}
      </div>
      <p className="mt-1 text-sm text-slate-500">{plan.description}</p>
      <p className="mt-4">
        <span className="text-3xl font-semibold">{formatPrice(price, plan.currency)}</span>
        <span className="text-sm text-slate-500">{plan.prices ? ` / ${interval}` : " forever"}</span>
      </p>
      {plan.yearlySaving > 0 && (
        <p data-testid="plan-saving" className="text-sm font-medium text-emerald-700">
          {interval === "year"
            ? `Save ${formatPrice(plan.yearlySaving, plan.currency)} a year`
            : `Save ${formatPrice(plan.yearlySaving, plan.currency)} a year with yearly billing`}
        </p>
      )}
      <ul className="mt-4 flex-1 space-y-1 text-sm text-slate-600">
        {limitLines(plan.limits).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <PlanCardFooter {...props} />
    </section>
  );
}

type FooterProps = Pick<Parameters<typeof PlanCard>[0], "action" | "disabled" | "pendingLabel" | "onAction">;

function PlanCardFooter({ action, disabled, pendingLabel, onAction }: FooterProps) {
  const { formatDate } = useDateFormat();
  const reasonId = useId();
  switch (action.kind) {
    case "current":
      return null;
    case "scheduled":
      return (
        <p data-testid="scheduled-change" className="mt-6 rounded-lg bg-slate-50 px-3 py-2 text-center text-sm font-medium text-slate-700">
          Starts on {formatDate(action.on)}
        </p>
      );
    case "downgrade_to_free":
      return (
        <Button className="mt-6" variant="secondary" disabled={disabled} onClick={onAction}>
          Downgrade to Free
        </Button>
      );
    case "checkout":
      return (
        <Button className="mt-6" disabled={disabled} onClick={onAction}>
          {pendingLabel ?? action.label}
        </Button>
      );
    case "blocked":
      // Shown, so the way is known, but disabled with the reason (the server would refuse it now).
      return (
        <div className="mt-6 space-y-2">
          <Button className="w-full" variant="secondary" disabled aria-describedby={`${reasonId}-blocked`}>
            {action.label}
          </Button>
          <p id={`${reasonId}-blocked`} data-testid="blocked-reason" className="text-center text-xs text-slate-500">
            {action.reason}
          </p>
        </div>
      );
    case "change":
      return (
        <Button className="mt-6" variant={action.primary ? "primary" : "secondary"} disabled={disabled} onClick={onAction}>
          {action.label}
        </Button>
      );
  }
}
