/**
 * The words of the billing pages that depend on data: plan names, prices, intervals and scheduled
 * changes as a customer reads them ("$29 / month", "Switches to Pro (monthly) on Dec 1, 2026"),
 * never the raw keys ("pro", "month"). Pure, so the wording is tested without a page. Dates come in
 * already formatted: the page formats them in the reader's locale.
 */
import { formatLimit, formatMoney, formatPrice } from "~/components/format";
import { isUpgrade, PLANS, type Limits, type PlanId } from "~/server/billing/plans";

type Interval = "month" | "year";

const planName = (plan: string) => PLANS[plan as PlanId]?.name ?? plan;

/** "monthly" / "yearly"; anything else (a price the app does not sell) as Stripe names it. */
export const intervalAdverb = (interval: string | null) => (interval === "year" ? "yearly" : interval === "month" ? "monthly" : (interval ?? ""));

/** One period's price: "$29 / month". */
export const priceLabel = (amount: number, currency: string, interval: string | null) =>
  interval ? `${formatPrice(amount, currency)} / ${interval}` : formatPrice(amount, currency);

/** A plan at an interval: "Pro (monthly)". */
export const planAtInterval = (plan: string, interval: string | null) => `${planName(plan)} (${intervalAdverb(interval)})`;

/** A downgrade scheduled for the period end: "Switches to Pro (monthly) on Dec 1, 2026". */
export const pendingChangeLabel = (plan: string, interval: string | null, on: string) => `Switches to ${planAtInterval(plan, interval)} on ${on}`;

/**
 * What the Yearly toggle may promise for every plan at once: "2 months free" when each paid plan's
 * yearly price saves the same whole number of months, else nothing (each card states its own saving).
 */
export function yearlyToggleNote(plans: readonly { prices: Record<Interval, number> | null }[]) {
  const months = plans.flatMap((p) => (p.prices && p.prices.month > 0 ? [(p.prices.month * 12 - p.prices.year) / p.prices.month] : []));
  const first = months[0];
  if (first === undefined || first <= 0 || !Number.isInteger(first) || months.some((m) => m !== first)) return null;
  return `${first} ${first === 1 ? "month" : "months"} free`;
}

export type PlanCardAction =
  | { kind: "current" }
  | { kind: "scheduled"; on: Date | string | null }
  | { kind: "checkout"; label: string }
  | { kind: "change"; label: string; primary: boolean }
  | { kind: "downgrade_to_free" };

export interface PickerSubscription {
  plan: string;
  interval: string | null;
  cancelAtPeriodEnd: boolean;
  currentPeriodEnd: Date | string | null;
  pendingPlan: string | null;
  pendingInterval: string | null;
}

/**
 * What a plan card offers at the interval shown. Free is the org's plan when it has no
 * subscription; with one, Free is reached by canceling at the period end. The same paid plan at
 * the other interval is a switch of interval, not a different plan.
 */
export function planCardAction(plan: { id: string; name: string }, interval: Interval, sub: PickerSubscription | null, trialAvailable: boolean): PlanCardAction {
  if (plan.id === "free") {
    if (!sub) return { kind: "current" };
    return sub.cancelAtPeriodEnd ? { kind: "scheduled", on: sub.currentPeriodEnd } : { kind: "downgrade_to_free" };
  }
  if (!sub) return { kind: "checkout", label: trialAvailable ? "Start 14-Day Trial" : `Subscribe to ${plan.name}` };
  if (plan.id === sub.plan) {
    if (interval === sub.interval) return { kind: "current" };
    return { kind: "change", label: `Switch to ${intervalAdverb(interval)}`, primary: interval === "year" };
  }
  if (plan.id === sub.pendingPlan && interval === sub.pendingInterval) return { kind: "scheduled", on: sub.currentPeriodEnd };
  const upgrade = isUpgrade(sub.plan as PlanId, plan.id as PlanId);
  return { kind: "change", label: `${upgrade ? "Upgrade" : "Switch"} to ${plan.name}`, primary: upgrade };
}

/** A plan change previewed during a trial: the trial goes on, and the first charge comes when it ends. */
export const trialContinuesLabel = (trialEnd: string, next: { amount: number; currency: string; date: string }) =>
  `Your trial continues until ${trialEnd}; you'll be charged ${formatMoney(next.amount, next.currency)} on ${next.date}.`;

/** A plan's limits as lines: "3 projects", "1 team member", "100,000 Gemini tokens / month". */
export const limitLines = (limits: Limits) => [
  `${formatLimit(limits.gemini_tokens)} Gemini tokens / month`,
  `${formatLimit(limits.projects)} projects`,
  `${formatLimit(limits.team_members)} team ${limits.team_members === 1 ? "member" : "members"}`,
];
