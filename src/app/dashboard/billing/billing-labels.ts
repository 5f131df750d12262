/**
 * The words of the billing pages that depend on data: plan names, prices, intervals and scheduled
 * changes as a customer reads them ("$29 / month", "Switches to Pro (monthly) on Dec 1, 2026"),
 * never the raw keys ("pro", "month"). Pure, so the wording is tested without a page. Dates come in
 * already formatted: the page formats them in the reader's locale.
 */
import { formatLimit, formatMoney, formatPrice } from "~/components/format";
import { isUpgrade, PLANS, type Limits, type PlanId } from "~/server/billing/plans";
import { isCancelable, isChangeable } from "~/server/billing/subscription-status";

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
  | { kind: "downgrade_to_free" }
  /** An action the server would refuse in the subscription's status: shown, not offered, with what to do first. */
  | { kind: "blocked"; label: string; reason: string };

export interface PickerSubscription {
  plan: string;
  status: string;
  interval: string | null;
  cancelAtPeriodEnd: boolean;
  currentPeriodEnd: Date | string | null;
  pendingPlan: string | null;
  pendingInterval: string | null;
}

/**
 * Why a subscription in `status` cannot take an action yet, as what to do first. The server's own
 * sets (subscription-status.ts) decide which statuses can; this only words the others.
 */
export function blockedReason(status: string) {
  if (status === "past_due" || status === "unpaid") return "Pay the open invoice first.";
  if (status === "paused") return "Resume the subscription first.";
  if (status === "incomplete") return "Finish the first payment first.";
  return `Not available while the subscription is ${status}.`;
}

/**
 * What a plan card offers at the interval shown. Free is the org's plan when it has no
 * subscription; with one, Free is reached by canceling at the period end. The same paid plan at
 * the other interval is a switch of interval, not a different plan. A change or cancellation the
 * server refuses in the subscription's status (CHANGEABLE / CANCELABLE) is blocked, with why.
 */
export function planCardAction(plan: { id: string; name: string }, interval: Interval, sub: PickerSubscription | null, trialAvailable: boolean): PlanCardAction {
  if (plan.id === "free") {
    if (!sub) return { kind: "current" };
    if (sub.cancelAtPeriodEnd) return { kind: "scheduled", on: sub.currentPeriodEnd };
    return isCancelable(sub.status) ? { kind: "downgrade_to_free" } : { kind: "blocked", label: "Downgrade to Free", reason: blockedReason(sub.status) };
  }
  if (!sub) return { kind: "checkout", label: trialAvailable ? "Start 14-Day Trial" : `Subscribe to ${plan.name}` };
  if (plan.id === sub.plan && interval === sub.interval) return { kind: "current" };
  if (plan.id !== sub.plan && plan.id === sub.pendingPlan && interval === sub.pendingInterval) return { kind: "scheduled", on: sub.currentPeriodEnd };
  const change = changeOffer(plan, interval, sub);
  return isChangeable(sub.status) ? change : { kind: "blocked", label: change.label, reason: blockedReason(sub.status) };
}

function changeOffer(plan: { id: string; name: string }, interval: Interval, sub: PickerSubscription) {
  if (plan.id === sub.plan) return { kind: "change" as const, label: `Switch to ${intervalAdverb(interval)}`, primary: interval === "year" };
  const upgrade = isUpgrade(sub.plan as PlanId, plan.id as PlanId);
  return { kind: "change" as const, label: `${upgrade ? "Upgrade" : "Switch"} to ${plan.name}`, primary: upgrade };
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

export interface CancelWordingInput {
  status: string;
  planName: string;
  /** The period end, formatted: when the subscription ends once canceled. */
  ends: string;
  /** While past_due: the amount still owed and the end of the grace (both formatted), from the overview's pastDue. */
  owed: { amount: string; graceEnds: string | null } | null;
}

/**
 * What canceling at the period end means in the subscription's status: `summary` beside the
 * Cancel button, `confirmation` before it is done. Only an active subscription was paid for a
 * period with nothing more to charge; a trial was not paid at all; past_due still owes an invoice
 * Stripe keeps retrying and keeps the plan only until the grace ends; unpaid already has Free's limits.
 */
export function cancelWording({ status, planName, ends, owed }: CancelWordingInput) {
  const free = `The organization then moves to the Free plan (${limitLines(PLANS.free.limits).join(", ")}).`;
  const resume = `You can resume any time before ${ends}.`;
  const owedText = owed ? `the open invoice of ${owed.amount}` : "the open invoice";
  switch (status) {
    case "trialing":
      return {
        summary: `Canceling ends your ${planName} trial on ${ends} instead of billing for the plan. Nothing has been charged, and nothing will be.`,
        confirmation: `Your ${planName} trial stays on until ${ends}; you will not be charged. ${free} ${resume}`,
      };
    case "past_due": {
      const until = owed?.graceEnds ? `until ${owed.graceEnds} at most` : "only for a short grace period";
      return {
        summary: `Canceling stops the renewal on ${ends}, but not ${owedText}: Stripe keeps retrying your card for it.`,
        confirmation: `The subscription ends on ${ends}. Canceling does not settle ${owedText}: Stripe keeps retrying your card, and a retry that succeeds charges it. Unless it is paid, your ${planName} limits stay on ${until}. ${free} ${resume}`,
      };
    }
    case "unpaid":
      return {
        summary: `The ${planName} limits are already off: the organization has Free's limits until ${owedText} is paid. Canceling ends the subscription on ${ends}.`,
        confirmation: `The subscription ends on ${ends}. ${owedText[0]!.toUpperCase()}${owedText.slice(1)} stays open until it is paid or voided. The organization keeps the Free plan (${limitLines(PLANS.free.limits).join(", ")}). ${resume}`,
      };
    default:
      return {
        summary: `Canceling stops the renewal. You keep ${planName} until the end of the period you paid for (${ends}).`,
        confirmation: `Your ${planName} plan stays on until ${ends}; nothing more is charged after that. ${free} ${resume}`,
      };
  }
}
