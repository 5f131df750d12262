/**
 * What needs the org's attention on its home page, most urgent first: a failed payment, an
 * unpaid subscription, a limit or budget reached, a trial about to end, a metric near its limit,
 * a cancellation pending at the period end. Pure: it reads what the billing overview, the usage
 * lines and the budgets already say (the same procedures every member may read), so it shows
 * nothing those do not.
 */
import { TRIAL_WARNING_MS } from "~/server/billing/billing-transitions";
import type { Metric } from "~/server/billing/plans";
import { ALERT_THRESHOLDS } from "~/server/usage/alert-thresholds";

/** From this percentage a limit is "near": the first usage alert threshold (the usage bars turn amber here). */
export const NEAR_LIMIT_PERCENT: number = ALERT_THRESHOLDS[0];
/** A trial this many days (or fewer) from its end is worth a reminder: when Stripe warns of its end (trial_will_end). */
export const TRIAL_ENDING_DAYS = Math.round(TRIAL_WARNING_MS / 86_400_000);

export type AttentionItem =
  | { kind: "unpaid" }
  | { kind: "past_due"; amountDue: number | null; currency: string | null; payUrl: string | null; graceEndsAt: Date | null }
  | { kind: "budget_reached"; metric: Metric; current: number; limit: number }
  | { kind: "limit_reached"; metric: Metric; current: number; limit: number }
  | { kind: "trial_ending"; daysLeft: number; trialEnd: Date | null }
  | { kind: "near_limit"; metric: Metric; percentage: number; limitType: "plan" | "budget" }
  | { kind: "pending_cancellation"; endsAt: Date | null };

export type AttentionKind = AttentionItem["kind"];

/** The order of urgency: money owed first, then what already stops work, then what will soon. */
export const ATTENTION_ORDER: readonly AttentionKind[] = [
  "unpaid",
  "past_due",
  "budget_reached",
  "limit_reached",
  "trial_ending",
  "near_limit",
  "pending_cancellation",
];

export interface AttentionInput {
  overview: {
    status: string;
    trialDaysLeft: number | null;
    subscription: { trialEnd: Date | null; currentPeriodEnd: Date | null; cancelAtPeriodEnd: boolean } | null;
    pastDue: { amountDue: number; currency: string; payUrl: string | null; graceEndsAt: Date | null } | null;
    graceEndsAt: Date | null;
  };
  usage: { metric: Metric; current: number; limit: number | null; percentage: number }[];
  budgets: { metric: string; budget: number | null }[];
}

export function attentionItems({ overview, usage, budgets }: AttentionInput, trialEndingDays = TRIAL_ENDING_DAYS): AttentionItem[] {
  const items: AttentionItem[] = [...billingItems(overview, trialEndingDays), ...usage.flatMap((line) => usageItems(line, budgets))];
  // Stable sort: within a kind, the fuller metric first.
  return items.sort((a, b) => ATTENTION_ORDER.indexOf(a.kind) - ATTENTION_ORDER.indexOf(b.kind) || fullness(b) - fullness(a));
}

function billingItems(overview: AttentionInput["overview"], trialEndingDays: number): AttentionItem[] {
  const items: AttentionItem[] = [];
  const sub = overview.subscription;
  if (overview.status === "unpaid") items.push({ kind: "unpaid" });
  if (overview.status === "past_due") {
    const owed = overview.pastDue;
    items.push({
      kind: "past_due",
      amountDue: owed?.amountDue ?? null,
      currency: owed?.currency ?? null,
      payUrl: owed?.payUrl ?? null,
      graceEndsAt: owed?.graceEndsAt ?? overview.graceEndsAt,
    });
  }
  // A trial that will not convert (canceled at its end) is a pending cancellation, not a reminder to pay.
  if (overview.trialDaysLeft !== null && overview.trialDaysLeft <= trialEndingDays && !sub?.cancelAtPeriodEnd) {
    items.push({ kind: "trial_ending", daysLeft: overview.trialDaysLeft, trialEnd: sub?.trialEnd ?? null });
  }
  if (sub?.cancelAtPeriodEnd) items.push({ kind: "pending_cancellation", endsAt: sub.currentPeriodEnd });
  return items;
}

/**
 * A monthly quota near or at its limit; a counted one (projects) near or at it, since the next one
 * is refused. Seats count only when over the limit: every solo Free org is at its one seat.
 */
function usageItems(line: AttentionInput["usage"][number], budgets: AttentionInput["budgets"]): AttentionItem[] {
  const { metric, current, limit, percentage } = line;
  if (limit === null) return [];
  const budget = budgets.find((b) => b.metric === metric)?.budget ?? null;
  // The usage line's limit is the lower of the plan's and the budget: equal to the budget, the budget is in force.
  const limitType = budget !== null && budget === limit ? "budget" : "plan";
  if (metric === "team_members") return current > limit ? [{ kind: "limit_reached", metric, current, limit }] : [];
  if (current >= limit) return [{ kind: limitType === "budget" ? "budget_reached" : "limit_reached", metric, current, limit }];
  return percentage >= NEAR_LIMIT_PERCENT ? [{ kind: "near_limit", metric, percentage, limitType }] : [];
}

const fullness = (item: AttentionItem) =>
  "percentage" in item ? item.percentage : "current" in item && item.limit > 0 ? (item.current / item.limit) * 100 : 0;
